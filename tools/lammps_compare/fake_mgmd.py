#!/usr/bin/python3
"""A stand-in for mgmd, built on LAMMPS, for `compare-lammps --self-test`.

    fake_mgmd.py [--lmp LMP] DECK

It understands the deck subset compare-lammps writes, runs it with LAMMPS and
rewrites LAMMPS' output in mgmd's formats, so that everything on the mgmd side
of the tool (deck, launch, thermo CSV and dump readers) is exercised before
mgmd exists.  To make sure the readers do not lean on LAMMPS' habits it
  - writes the thermo CSV with its columns in a different order, plus one the
    reader does not know;
  - writes each dump frame's atoms in a shuffled order.

MGMD_FAKE_PERTURB="force=1e-5,pe=1e-3,press=1" adds the given amount to one
atom's fx, to the total pe and to pxy and the pressure, so a test can prove
that compare-lammps notices each kind of wrong answer.

LAMMPS runs with its OPT package's EAM kernels (`-suffix opt`), a code path
other than the reference run's, so the comparison sees real round-off
differences (~1e-14 eV/A) rather than identical numbers.  Under mpirun on N
ranks, rank 0 runs LAMMPS itself on N ranks (its own domain decomposition
then stands in for mgmd's) and the other ranks exit at once.
"""

import argparse
import os
import random
import subprocess
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from lammps_compare import formats  # noqa: E402

CSV_ORDER = ["step", "pe", "press", "pyz", "pxz", "pxy", "pzz", "pyy", "pxx",
             "temp", "ke", "etotal", "time", "vol", "density"]
CSV_UNITS = {"time": "ps", "temp": "K", "pe": "eV", "ke": "eV", "etotal": "eV",
             "vol": "A^3", "density": "g/cm^3"}


def rank_and_size():
    """Our place in an mpirun job (Open MPI, or any PMI launcher), or (0, 1)."""
    for r, n in (("OMPI_COMM_WORLD_RANK", "OMPI_COMM_WORLD_SIZE"), ("PMI_RANK", "PMI_SIZE")):
        if r in os.environ:
            return int(os.environ[r]), int(os.environ.get(n, 1))
    return 0, 1


def translate(deck_path):
    """mgmd deck -> (LAMMPS input, thermo CSV name, dump names)."""
    pre = ["atom_style atomic", "atom_modify map array"]  # up to the pair style
    out = ["compute pe_atom all pe/atom", "fix nve all nve"]  # after it
    thermo_file, dumps = None, []
    with open(deck_path) as f:
        for n, raw in enumerate(f, start=1):
            words = raw.split("#")[0].split()
            if not words:
                continue
            cmd, rest = words[0], words[1:]
            if cmd in ("units", "boundary"):
                pre.append(" ".join(words))
            elif cmd == "timestep":
                dt = float(rest[0]) * (1e-3 if rest[1:] == ["fs"] else 1.0)
                out.append(f"timestep {dt!r}")
            elif cmd == "read_data":
                pre.append(f"read_data {rest[0]}")
            elif cmd == "potential":
                style, args = rest[0], rest[1:]
                pre.append(f"pair_style {style}")
                if style == "eam":
                    pre += [f"pair_coeff {t} {t} {p}" for t, p in enumerate(args, start=1)]
                else:
                    pre.append(f"pair_coeff * * {' '.join(args)}")
            elif cmd == "neighbor":
                o = dict(zip(rest[::2], rest[1::2]))
                out += [f"neighbor {o['skin']} bin",
                        f"neigh_modify every {o['every']} delay 0 check {o['check']}"]
                # `newton` (mgmd's pair split across faces) has no effect on
                # LAMMPS' answer and LAMMPS takes it only before the box.
            elif cmd == "thermo":
                o = dict(zip(rest[::2], rest[1::2]))
                thermo_file = o["file"]
                out += ["thermo_style custom step time temp pe ke etotal press "
                        "pxx pyy pzz pxy pxz pyz vol density",
                        "thermo_modify format float %.17g norm no", f"thermo {o['every']}"]
            elif cmd == "dump":
                name = rest[0]
                o = dict(zip(rest[1::2], rest[2::2]))
                cols = rest[rest.index("columns") + 1:rest.index("precision")]
                cols = ["c_pe_atom" if c == "pe" else c for c in cols]
                out += [f"dump {name} all custom {o['every']} {o['file']} {' '.join(cols)}",
                        f"dump_modify {name} format float %.17g"]
                dumps.append(o["file"])
            elif cmd in ("undump", "run"):
                out.append(" ".join(words))
            else:
                sys.exit(f"{deck_path}:{n}: fake mgmd does not know '{cmd}'")
    return "\n".join(pre + out) + "\n", thermo_file, dumps


def perturbation():
    spec = os.environ.get("MGMD_FAKE_PERTURB", "")
    return {k: float(v) for k, v in (item.split("=") for item in spec.split(",") if item)}


def write_csv(log, path, perturb):
    rows = [row for block in formats.read_lammps_log(log) for row in block]
    names = CSV_ORDER + ["fake_extra"]
    with open(path, "w") as f:
        f.write(",".join(f"{c}[{CSV_UNITS.get(c, 'bar')}]" if c not in ("step", "fake_extra")
                         else c for c in names) + "\n")
        for row in rows:
            row = dict(row, fake_extra=42.0)
            row["pe"] += perturb.get("pe", 0.0)
            row["press"] += perturb.get("press", 0.0)
            row["pxy"] += perturb.get("press", 0.0)
            f.write(",".join(str(int(row[c])) if c == "step" else repr(row[c])
                             for c in names) + "\n")


def rewrite_dump(path, perturb, rng):
    with open(path) as f:
        lines = f.read().splitlines()
    out, i, natoms = [], 0, 0
    while i < len(lines):
        if lines[i] == "ITEM: NUMBER OF ATOMS":
            natoms = int(lines[i + 1])
        if lines[i].startswith("ITEM: ATOMS"):
            header = lines[i].replace("c_pe_atom", "pe")
            atoms = lines[i + 1:i + 1 + natoms]
            rng.shuffle(atoms)
            if "force" in perturb:
                fx = header.split()[2:].index("fx")
                fields = atoms[0].split()
                fields[fx] = repr(float(fields[fx]) + perturb["force"])
                atoms[0] = " ".join(fields)
            out += [header] + atoms
            i += 1 + natoms
        else:
            out.append(lines[i])
            i += 1
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--lmp", default="lmp")
    p.add_argument("--mpirun", default="mpirun")
    p.add_argument("deck")
    args = p.parse_args()
    rank, size = rank_and_size()
    if rank != 0:
        return 0
    lammps_in, thermo_file, dumps = translate(args.deck)
    with open("fake_mgmd.lammps", "w") as f:
        f.write(lammps_in)
    # LAMMPS must start as its own job, not as a rank of the mpirun we run in;
    # on as many ranks as we were given, so that its domain decomposition
    # stands in for mgmd's.
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("OMPI_", "PMIX_", "PMI_", "OPAL_"))}
    cmd = [args.lmp, "-in", "fake_mgmd.lammps", "-log", "fake_mgmd.log",
           "-screen", "none", "-nocite", "-suffix", "opt"]
    if size > 1:
        cmd = [args.mpirun, "--oversubscribe", "--bind-to", "none", "-np", str(size)] + \
            (["--allow-run-as-root"] if os.geteuid() == 0 else []) + cmd
    status = subprocess.run(cmd, env=env).returncode
    if status != 0:
        with open("fake_mgmd.log", errors="replace") as f:
            sys.stderr.write("".join(f.readlines()[-10:]) + "fake mgmd: LAMMPS failed\n")
        return status
    perturb = perturbation()
    rng = random.Random(12345)
    if thermo_file:
        write_csv("fake_mgmd.log", thermo_file, perturb)
    for path in dumps:
        rewrite_dump(path, perturb, rng)
    return 0


if __name__ == "__main__":
    sys.exit(main())
