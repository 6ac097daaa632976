"""Helpers of the minimisation tests: parse mgmd's minimisation report, run
LAMMPS (Debian's `lmp`, or $MGMD_LAMMPS) on a data file mgmd wrote, count
checks. Standard library + numpy only."""
import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import mgmdtest as mt  # noqa: E402

POTDIR = "/usr/share/lammps/potentials"
CUZR = os.path.join(POTDIR, "CuZr_mm.eam.fs")

_NUM = r"([-+0-9.eE]+|nan|inf)"


def parse_reports(stdout):
    """Every minimisation report in mgmd's output, as a list of dicts."""
    out = []
    for block in stdout.split("Minimization (")[1:]:
        r = {}
        m = re.search(r"Stopping criterion = (.*)", block)
        r["stop"] = m.group(1).strip()
        m = re.search(r"Energy initial, final = %s %s eV \(%s %s eV/atom\)" % ((_NUM,) * 4), block)
        r["e0"], r["e1"], r["e0_atom"], r["e1_atom"] = (float(g) for g in m.groups())
        m = re.search(r"Force two-norm initial, final = %s %s" % (_NUM, _NUM), block)
        r["fnorm0"], r["fnorm1"] = float(m.group(1)), float(m.group(2))
        m = re.search(r"Force max component initial, final = %s %s" % (_NUM, _NUM), block)
        r["fmax0"], r["fmax1"] = float(m.group(1)), float(m.group(2))
        m = re.search(r"generalized forces = %s" % _NUM, block)
        r["gnorm1"] = float(m.group(1)) if m else r["fnorm1"]
        m = re.search(r"Iterations, force evaluations = (\d+) (\d+)", block)
        r["niter"], r["neval"] = int(m.group(1)), int(m.group(2))
        m = re.search(r"Box lengths = %s %s %s A" % ((_NUM,) * 3), block)
        r["len"] = [float(g) for g in m.groups()]
        m = re.search(r"Pressure = %s bar \(xx yy zz xy xz yz: %s bar\)" % (_NUM, " ".join([_NUM] * 6)), block)
        r["press"] = float(m.group(1))
        r["ptensor"] = [float(g) for g in m.groups()[1:]]
        out.append(r)
    return out


def lammps_binary():
    exe = os.environ.get("MGMD_LAMMPS") or shutil.which("lmp")
    return exe if exe and os.path.exists(exe) else None


def run_lammps(text, workdir, timeout=600):
    """Run LAMMPS on `text` in workdir; returns {name: value} from lines
    `RESULT name value` the input prints."""
    path = os.path.join(workdir, "in.lammps")
    with open(path, "w") as f:
        f.write(text)
    p = subprocess.run([lammps_binary(), "-in", "in.lammps", "-log", "none", "-echo", "none"], cwd=workdir,
                       capture_output=True, text=True, timeout=timeout)
    if p.returncode != 0:
        sys.stderr.write(p.stdout[-3000:] + p.stderr[-3000:])
        raise RuntimeError("LAMMPS failed (exit %d)" % p.returncode)
    res = {}
    for line in p.stdout.splitlines():
        w = line.split()
        if len(w) == 3 and w[0] == "RESULT":
            res[w[1]] = float(w[2])
    return res


def lammps_minimize(data, elements, workdir, relax=None, ptarget=0.0, ftol=1e-10):
    """LAMMPS' CG minimisation of `data` (mgmd's write_data), optionally with
    `fix box/relax RELAX PTARGET`; returns lx ly lz xy xz yz (A), pe_atom
    (eV) and press (bar), printed with 15 significant digits.

    The minimisation is repeated three times: from a strongly compressed
    start LAMMPS' box/relax can stop on "linesearch alpha is zero" far from
    the minimum (L1_2 CuZr3 from a = 4.20 A stops at 33 kbar), and LAMMPS'
    documentation recommends repeating the minimisation, which resets the
    reference box of fix box/relax. A converged minimisation stops at once."""
    fix = f"fix relax all box/relax {relax} {float(ptarget)!r}\n" if relax else ""
    if relax == "tri":
        fix = "change_box all triclinic\n" + fix
    out = "".join(f'print "RESULT {k} $({v}:%.15g)"\n' for k, v in
                  [("lx", "lx"), ("ly", "ly"), ("lz", "lz"), ("xy", "xy"), ("xz", "xz"), ("yz", "yz"),
                   ("pe_atom", "pe/atoms"), ("press", "press")])
    text = f"""units metal
atom_style atomic
boundary p p p
read_data {data}
pair_style eam/fs
pair_coeff * * {CUZR} {' '.join(elements)}
neighbor 1.0 bin
neigh_modify every 1 delay 0 check yes
thermo_style custom step pe press lx ly lz
thermo_modify format float %20.15g
{fix}min_style cg
minimize 0.0 {ftol!r} 100000 1000000
minimize 0.0 {ftol!r} 100000 1000000
minimize 0.0 {ftol!r} 100000 1000000
{out}"""
    return run_lammps(text, workdir)


class Checks:
    """Counts passed/failed checks and prints one line per check."""

    def __init__(self):
        self.passed = self.failed = 0

    def check(self, ok, what):
        print(f"{'ok  ' if ok else 'FAIL'} {what}", flush=True)
        if ok:
            self.passed += 1
        else:
            self.failed += 1
        return ok

    def skip(self, what):
        print(f"SKIP {what}", flush=True)

    def finish(self):
        print(f"{self.passed} passed, {self.failed} failed")
        sys.exit(1 if self.failed else 0)
