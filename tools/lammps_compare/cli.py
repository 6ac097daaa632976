"""compare-lammps: run mgmd and LAMMPS on one data file and compare forces,
potential energy and pressure at step 0 and after a short NVE run.

Exit status: 0 PASS, 1 FAIL (the codes disagree), 2 usage error or a code
that did not run.  The last line printed is always the verdict.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np

from . import decks, formats

POTENTIAL_DIR = "/usr/share/lammps/potentials"
STYLES = ("eam", "eam/alloy", "eam/fs")

# Two correct double-precision EAM codes differ by round-off only: LAMMPS
# against itself on another code path (OPT kernels) or on 3 ranks differs by
# ~1e-14 eV/A, ~1e-14 eV/atom and ~1e-10 bar on the fixtures, also after 20
# steps.  The tolerances leave orders of magnitude for other summation orders
# and for round-off growing along the trajectory, while any error in a table,
# spline, mixing rule, neighbour list or virial term is far larger.  (0.1 bar
# is 6e-8 eV/A^3: a virial error of ~2e-3 eV in a 1e4 A^3 box.)
TOL_FORCE = 1e-6    # eV/A, largest per-atom |F_mgmd - F_lammps|
TOL_ENERGY = 1e-8   # eV/atom, |PE_mgmd - PE_lammps| / N
TOL_PRESS = 0.1     # bar, scalar pressure and each tensor component

DUMP_COLUMNS = ("type", "fx", "fy", "fz")
PRESSURE_COLUMNS = ("press", "pxx", "pyy", "pzz", "pxy", "pxz", "pyz")
TAIL_LINES = 25


class RunError(Exception):
    """A code failed to run or wrote unusable output: exit status 2."""


def main(argv=None):
    # Line-buffered, so the verdict stays last when stdout and stderr share a pipe.
    sys.stdout.reconfigure(line_buffering=True)
    try:
        args = parse_args(argv)
    except SystemExit as e:
        if e.code:  # a usage error (argparse has printed it); --help exits 0
            print("compare-lammps: FAIL")
        raise
    try:
        case = build_case(args)
        lammps_cmd = [args.lmp]
        mgmd_cmd = find_mgmd(args)
        if args.np:
            mgmd_cmd = mpirun_prefix(args) + mgmd_cmd
        print(describe(case, args))
        with work_directory(args.keep) as work:
            lmp = run_lammps(case, lammps_cmd, work)
            mg = run_mgmd(case, mgmd_cmd, work, args.mgmd_elements)
            ok = compare(case, lmp, mg)
    except RunError as e:
        print(f"compare-lammps: error: {e}", file=sys.stderr)
        print("compare-lammps: FAIL")
        return 2
    print("compare-lammps: PASS" if ok else "compare-lammps: FAIL")
    return 0 if ok else 1


# --- options ---------------------------------------------------------------

def parse_args(argv):
    p = argparse.ArgumentParser(
        prog="compare-lammps",
        description="Run mgmd and LAMMPS on the same LAMMPS data file (a 0-step evaluation,\n"
                    "then velocity-Verlet NVE steps) and compare per-atom forces, potential\n"
                    "energy and pressure at step 0 and at the last step.",
        epilog="Examples:\n"
               "  compare-lammps tests/data/cuzr-liquid.data eam/fs CuZr_mm.eam.fs Cu Zr\n"
               "  compare-lammps tests/data/pdcuni-liquid.data eam Pd_u3.eam,Cu_u3.eam,Ni_u3.eam\n"
               "  compare-lammps -np 3 --boundary 'p p f' tests/data/cuzr-slab.data "
               "eam/fs CuZr_mm.eam.fs Cu Zr\n"
               f"Tolerances: forces {TOL_FORCE:g} eV/A, energy {TOL_ENERGY:g} eV/atom, "
               f"pressure {TOL_PRESS:g} bar.\n"
               "Exit status: 0 PASS, 1 FAIL, 2 usage error or a code failed to run.",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("data", metavar="DATA", help="LAMMPS data file (atom_style atomic)")
    p.add_argument("style", metavar="STYLE", choices=STYLES, help="eam, eam/alloy or eam/fs")
    p.add_argument("potential", metavar="POTENTIAL[,POTENTIAL...]",
                   help="eam: one funcfl file per atom type, comma-separated; "
                        "eam/alloy, eam/fs: one file.  Looked up in "
                        f"{POTENTIAL_DIR} when not found as given")
    p.add_argument("elements", metavar="ELEMENT", nargs="*",
                   help="element of each atom type (eam/alloy, eam/fs)")
    p.add_argument("--boundary", default="p p p",
                   help="one letter per dimension, p periodic or f fixed (default 'p p p')")
    p.add_argument("--steps", type=int, default=20,
                   help="NVE steps after the 0-step evaluation (default 20)")
    p.add_argument("--timestep", type=float, default=0.001, help="ps (default 0.001)")
    p.add_argument("--mgmd", help="mgmd executable (default: $MGMD, else build/mgmd "
                                  "of this repository, else mgmd on PATH)")
    p.add_argument("--lmp", default=os.environ.get("LMP", "lmp"),
                   help="LAMMPS executable (default: $LMP, else lmp)")
    p.add_argument("--mpirun", default="mpirun", help="MPI launcher for -np (default mpirun)")
    p.add_argument("-np", type=int, metavar="N",
                   help="run mgmd (not LAMMPS) on N MPI ranks under mpirun --oversubscribe")
    p.add_argument("--keep", metavar="DIR", help="work in DIR and keep it (decks, logs, dumps)")
    p.add_argument("--mgmd-elements", metavar="EL[,EL...]",
                   help="testing: give mgmd this element mapping instead of ELEMENTs, "
                        "to prove that a wrong answer is caught")
    p.add_argument("--force-tol", type=float, metavar="EV_PER_A",
                   help=f"largest per-atom force difference allowed (default {TOL_FORCE:g} eV/A; "
                        "1e-10 asks for agreement to round-off, as tests/lammps does per kernel)")
    p.add_argument("--newton", choices=("yes", "no"), default="yes",
                   help="mgmd's 'neighbor ... newton': pairs across a sub-domain face on one side with a "
                        "reverse sum (yes, the default) or on both sides (no)")
    # Substitute a LAMMPS-backed stand-in for mgmd: tests this tool without mgmd.
    p.add_argument("--self-test", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.force_tol is not None:
        if not args.force_tol > 0:
            p.error("--force-tol must be positive")
        globals()["TOL_FORCE"] = args.force_tol  # read by compare_step

    if args.steps < 0:
        p.error("--steps must be >= 0")
    if not args.timestep > 0:
        p.error("--timestep must be > 0")
    if args.np is not None and args.np < 1:
        p.error("-np must be >= 1")
    letters = args.boundary.replace(" ", "")  # "p p f" or "ppf"
    if len(letters) != 3 or any(b not in ("p", "f") for b in letters):
        p.error(f"--boundary '{args.boundary}': need three letters, each p or f")
    args.boundary = " ".join(letters)
    args.potentials = [f for f in args.potential.split(",") if f]
    if args.style == "eam":
        if args.elements:
            p.error("style eam takes one funcfl file per type (comma-separated), not elements")
        if args.mgmd_elements:
            p.error("--mgmd-elements needs eam/alloy or eam/fs")
    else:
        if len(args.potentials) != 1:
            p.error(f"style {args.style} takes one potential file")
        if not args.elements:
            p.error(f"style {args.style} needs the element of each atom type")
    if args.mgmd_elements:
        args.mgmd_elements = args.mgmd_elements.replace(",", " ").split()
    args.usage_error = p.error
    return args


def build_case(args):
    data = os.path.abspath(args.data)
    try:
        natoms, ntypes = formats.read_data_header(data)
    except formats.FormatError as e:
        args.usage_error(str(e))
    per_type = args.potentials if args.style == "eam" else args.elements
    if len(per_type) != ntypes:
        what = "funcfl files" if args.style == "eam" else "elements"
        args.usage_error(f"{args.data} has {ntypes} atom types but {len(per_type)} {what} were given")
    if args.mgmd_elements and len(args.mgmd_elements) != ntypes:
        args.usage_error(f"--mgmd-elements: {ntypes} elements needed")
    return decks.Case(data=data, natoms=natoms, style=args.style,
                      potentials=[resolve_potential(f, args.usage_error) for f in args.potentials],
                      elements=args.elements, boundary=args.boundary,
                      steps=args.steps, timestep=args.timestep, newton=args.newton)


def resolve_potential(name, error):
    for path in (name, os.path.join(POTENTIAL_DIR, name)):
        if os.path.isfile(path):
            return os.path.abspath(path)
    error(f"potential file '{name}' not found (also looked in {POTENTIAL_DIR})")


def find_mgmd(args):
    if args.self_test:
        here = os.path.dirname(os.path.abspath(__file__))
        return [sys.executable, os.path.join(here, "fake_mgmd.py"),
                "--lmp", args.lmp, "--mpirun", args.mpirun]
    if args.mgmd:
        candidates = [args.mgmd]
    elif os.environ.get("MGMD"):
        candidates = [os.environ["MGMD"]]
    else:
        repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        candidates = [os.path.join(repo, "build", "mgmd"), "mgmd"]
    for c in candidates:
        path = shutil.which(c) if os.sep not in c else (c if os.access(c, os.X_OK) else None)
        if path:
            return [os.path.abspath(path)]
    raise RunError(f"no mgmd executable (tried {', '.join(candidates)}); build it or pass --mgmd")


def mpirun_prefix(args):
    # Unbound, so comparisons run side by side do not all share core 0.
    cmd = [args.mpirun, "--oversubscribe", "--bind-to", "none", "-np", str(args.np)]
    if os.geteuid() == 0:
        cmd.append("--allow-run-as-root")
    return cmd


def describe(case, args):
    if case.style == "eam":
        pot = " ".join(os.path.basename(f) for f in case.potentials)
    else:
        pot = f"{os.path.basename(case.potentials[0])} {' '.join(case.elements)}"
    ranks = f", mgmd on {args.np} ranks" if args.np else ""
    fake = " [self-test: mgmd replaced by LAMMPS]" if args.self_test else ""
    return (f"compare-lammps: {os.path.basename(case.data)} ({case.natoms} atoms), "
            f"{case.style} {pot}, boundary {case.boundary}, "
            f"{case.steps} steps of {case.timestep:g} ps{ranks}{fake}")


class work_directory:
    """A temporary directory, or --keep DIR (created if needed, never removed)."""

    def __init__(self, keep):
        self.keep = keep

    def __enter__(self):
        if self.keep:
            os.makedirs(self.keep, exist_ok=True)
            return os.path.abspath(self.keep)
        self.tmp = tempfile.TemporaryDirectory(prefix="compare-lammps-")
        return self.tmp.name

    def __exit__(self, *exc):
        if not self.keep:
            self.tmp.cleanup()


# --- running the two codes -------------------------------------------------

class Result:
    """What one code produced: thermo rows at step 0 and at the last step, and
    the dump frames for both."""

    def __init__(self, thermo0, thermo_end, frame0, frame_end):
        self.thermo0, self.thermo_end = thermo0, thermo_end
        self.frame0, self.frame_end = frame0, frame_end


def run(name, cmd, work, log):
    """Run cmd in work with stdout and stderr kept in files (mgmd on many
    ranks can print a lot); on failure show the tail of what it said."""
    out_path, err_path = (os.path.join(work, f"{log}.{s}") for s in ("stdout", "stderr"))
    try:
        with open(out_path, "w") as out, open(err_path, "w") as err:
            status = subprocess.run(cmd, cwd=work, stdout=out, stderr=err,
                                    stdin=subprocess.DEVNULL).returncode
    except OSError as e:
        raise RunError(f"cannot start {name} ({cmd[0]}): {e.strerror}")
    if status != 0:
        raise RunError(f"{name} exited with status {status}: {' '.join(cmd)}\n"
                       + tail(err_path, out_path))


def tail(err_path, out_path):
    """The stderr tail, or stdout's when stderr is empty (LAMMPS reports errors
    on stdout)."""
    for path in (err_path, out_path):
        with open(path, errors="replace") as f:
            lines = f.read().splitlines()
        if lines:
            label = os.path.basename(path)
            return "".join(f"  {label}| {line}\n" for line in lines[-TAIL_LINES:])
    return "  (no output)\n"


def remove_stale(work, names):
    """With --keep DIR reused, an old output must not pass for a new one."""
    for name in names:
        path = os.path.join(work, name)
        if os.path.exists(path):
            os.remove(path)


def run_lammps(case, lmp, work):
    remove_stale(work, (decks.LAMMPS_LOG, decks.LAMMPS_DUMP0, decks.LAMMPS_DUMP_END))
    with open(os.path.join(work, decks.LAMMPS_INPUT), "w") as f:
        f.write(decks.lammps_input(case))
    run("LAMMPS", lmp + ["-in", decks.LAMMPS_INPUT, "-log", decks.LAMMPS_LOG, "-nocite"],
        work, "lammps")
    try:
        blocks = formats.read_lammps_log(os.path.join(work, decks.LAMMPS_LOG))
        end_dump = decks.dump_end_files(case)[0]
        frames = [formats.read_dump_last_frame(os.path.join(work, name), DUMP_COLUMNS)
                  for name in (decks.LAMMPS_DUMP0, end_dump)]
    except formats.FormatError as e:
        raise RunError(f"LAMMPS output: {e}")
    for frame in frames:  # LAMMPS names the column after the compute
        frame.columns["pe"] = frame.columns.pop("c_pe_atom")
    return Result(blocks[0][0], blocks[-1][-1], *frames)


def run_mgmd(case, cmd, work, elements):
    remove_stale(work, (decks.MGMD_THERMO, decks.MGMD_DUMP0, decks.MGMD_DUMP_END))
    with open(os.path.join(work, decks.MGMD_DECK), "w") as f:
        f.write(decks.mgmd_deck(case, elements))
    run("mgmd", cmd + [decks.MGMD_DECK], work, "mgmd")
    try:
        rows = formats.read_thermo_csv(os.path.join(work, decks.MGMD_THERMO))
        end_dump = decks.dump_end_files(case)[1]
        frame0 = formats.read_dump_last_frame(os.path.join(work, decks.MGMD_DUMP0),
                                              DUMP_COLUMNS)
        frame_end = formats.read_dump_last_frame(os.path.join(work, end_dump), DUMP_COLUMNS)
    except formats.FormatError as e:
        raise RunError(f"mgmd output: {e}")
    # Take the row of step 0 and the last row (the end of the run); older
    # mgmd versions repeated step 0 at the start of the second run.
    need = ("step", "pe") + PRESSURE_COLUMNS
    missing = [c for c in need if c not in rows[0]] if rows else list(need)
    if missing:
        raise RunError(f"mgmd thermo table {decks.MGMD_THERMO} lacks {', '.join(missing)}")
    thermo0 = next((r for r in rows if r["step"] == 0), None)
    if thermo0 is None or rows[-1]["step"] != case.steps:
        raise RunError(f"mgmd thermo table {decks.MGMD_THERMO} has no row for step 0 "
                       f"or does not end at step {case.steps}")
    return Result(thermo0, rows[-1], frame0, frame_end)


# --- the comparison --------------------------------------------------------

def compare(case, lmp, mg):
    ok = True
    for step, t_l, t_m, f_l, f_m in ((0, lmp.thermo0, mg.thermo0, lmp.frame0, mg.frame0),
                                     (case.steps, lmp.thermo_end, mg.thermo_end,
                                      lmp.frame_end, mg.frame_end)):
        ok &= compare_step(step, case.natoms, t_l, t_m, f_l, f_m)
        if case.steps == 0:
            break
    return ok


def compare_step(step, natoms, t_l, t_m, f_l, f_m):
    problems = []
    for name, frame in (("LAMMPS", f_l), ("mgmd", f_m)):
        if frame.step != step:
            problems.append(f"{name} dump frame is step {frame.step}, expected {step}")
    if not np.array_equal(f_l.ids, f_m.ids):
        lost = np.setdiff1d(f_l.ids, f_m.ids)
        extra = np.setdiff1d(f_m.ids, f_l.ids)
        print(f"step {step}: atom ids differ: mgmd lacks {len(lost)} "
              f"(e.g. {lost[:5].tolist()}), has {len(extra)} not in LAMMPS "
              f"(e.g. {extra[:5].tolist()})")
        return False
    if not np.array_equal(f_l.columns["type"], f_m.columns["type"]):
        problems.append("atom types differ between the dumps")

    df = np.linalg.norm(f_m.vectors("fx", "fy", "fz") - f_l.vectors("fx", "fy", "fz"), axis=1)
    worst = int(np.argmax(np.where(np.isnan(df), np.inf, df)))  # a NaN is the worst
    dforce = float(df[worst])
    denergy = abs(t_m["pe"] - t_l["pe"]) / natoms
    dpress = abs(t_m["press"] - t_l["press"])
    dtensor = float(np.max([abs(t_m[c] - t_l[c]) for c in PRESSURE_COLUMNS[1:]]))  # keeps NaN
    # `x <= tol` is False for NaN, so a NaN anywhere fails.
    checks = [dforce <= TOL_FORCE, denergy <= TOL_ENERGY,
              dpress <= TOL_PRESS, dtensor <= TOL_PRESS]
    print(f"step {step}: max |dF| = {dforce:.2g} eV/A (tol {TOL_FORCE:g})  "
          f"|dE|/N = {denergy:.2g} eV/atom (tol {TOL_ENERGY:g})  "
          f"|dP| = {dpress:.2g} bar (tol {TOL_PRESS:g})  "
          f"max |dPij| = {dtensor:.2g} bar (tol {TOL_PRESS:g})")
    ok = all(checks) and not problems
    if not ok:
        # Enough detail to start debugging from, without opening the dumps.
        if not checks[0]:
            ident = f"id {int(f_l.ids[worst])} type {int(f_l.columns['type'][worst])}"
            fl, fm = f_l.vectors("fx", "fy", "fz")[worst], f_m.vectors("fx", "fy", "fz")[worst]
            print(f"  worst atom {ident}: F LAMMPS = {fmt(fl)}  F mgmd = {fmt(fm)}")
        if not checks[1]:
            print(f"  pe LAMMPS = {t_l['pe']:.17g}  mgmd = {t_m['pe']:.17g} eV")
        for c in PRESSURE_COLUMNS:
            if not abs(t_m[c] - t_l[c]) <= TOL_PRESS:
                print(f"  {c} LAMMPS = {t_l[c]:.17g}  mgmd = {t_m[c]:.17g} bar")
        if "pe" in f_l.columns and "pe" in f_m.columns:
            dpe = np.abs(f_m.columns["pe"] - f_l.columns["pe"])
            print(f"  per-atom pe: max |dpe| = {np.max(dpe):.2g} eV (not checked)")
        for p in problems:
            print(f"  {p}")
    return ok


def fmt(v):
    return "(" + ", ".join(f"{x:.10g}" for x in v) + ")"
