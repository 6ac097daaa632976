#!/usr/bin/python3
"""zhou-vs-lammps: the generated Zhou-Johnson-Wadley files in LAMMPS and mgmd.

Checks:
- LAMMPS reads potentials/PdCuNi_zhou04.eam.alloy and relaxes a 4x4x4 fcc
  cell (256 atoms) of pure Pd, Cu and Ni (`minimize` with `fix box/relax iso
  0`, started 2% off): lattice constant within 0.001 A and energy per atom
  within 0.01 eV of the published a0 and -E_c. The same for Cu and for hcp Zr
  (ideal c/a, kept by iso) from CuZr_zhou04.eam.alloy; Zr against the
  paper's construction (a = re, E_c = 6.36 eV), there being no published
  value to hand.
- tools/compare-lammps PASSes (mgmd against LAMMPS: forces, energy, pressure
  at step 0 and after 20 NVE steps) with the Pd-Cu-Ni file on
  tests/data/pdcuni-liquid.data (Pd:Cu:Ni 4:3:1 liquid, types 1 Pd 2 Cu 3 Ni),
  on a 4:3:1 configuration made here by LAMMPS with the Zhou file itself
  (256 atoms on fcc sites a = 3.8 A, types drawn with set type/ratio, 2 ps at
  2500 K), and with the Cu-Zr file on tests/data/cuzr-liquid.data.

Usage: zhou_vs_lammps.py [--lmp LMP] [--mgmd MGMD]   (defaults: $LMP or lmp,
$MGMD or build/mgmd)
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import mgmdtest as mt  # noqa: E402

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
POT = os.path.join(ROOT, "potentials")
PDCUNI = os.path.join(POT, "PdCuNi_zhou04.eam.alloy")
CUZR = os.path.join(POT, "CuZr_zhou04.eam.alloy")
DATA = os.path.join(ROOT, "tests", "data")
COMPARE = os.path.join(ROOT, "tools", "compare-lammps")

# (potential, elements, element, lattice, a0 reference, E_c reference, source)
RELAX = [
    (PDCUNI, "Pd Cu Ni", "Pd", "fcc", 3.8904, 3.91, "published"),
    (PDCUNI, "Pd Cu Ni", "Cu", "fcc", 3.6150, 3.54, "published"),
    (PDCUNI, "Pd Cu Ni", "Ni", "fcc", 3.5196, 4.45, "published"),
    (CUZR, "Cu Zr", "Cu", "fcc", 3.6150, 3.54, "published"),
    (CUZR, "Cu Zr", "Zr", "hcp", 3.199978, 6.36, "construction"),
]
TOL_A0, TOL_E = 1e-3, 0.01

checks = mt.Checks()
check = checks.check  # check(ok, what): the shared tally (tests/mgmdtest.py)


def lammps(lmp, deck, wd, name):
    path = os.path.join(wd, name + ".in")
    with open(path, "w") as fh:
        fh.write(deck)
    p = subprocess.run([lmp, "-in", path, "-log", os.path.join(wd, name + ".log"), "-nocite"],
                       cwd=wd, capture_output=True, text=True, timeout=600)
    if p.returncode != 0:
        sys.stdout.write(p.stdout[-3000:] + p.stderr[-3000:])
    return p


def relax_deck(pot, elements, el, lat, a_start):
    types = elements.split()
    t = types.index(el) + 1
    # hcp: LAMMPS' hcp lattice has the ideal c/a; iso relaxation keeps it.
    # lx = n a for both lattices (hcp: n cells of a along x).
    return f"""units metal
boundary p p p
atom_style atomic
lattice {lat} {a_start}
region box block 0 4 0 4 0 4
create_box {len(types)} box
create_atoms {t} box
pair_style eam/alloy
pair_coeff * * {pot} {elements}
thermo_style custom step pe lx ly lz press
fix relax all box/relax iso 0.0 vmax 0.001
minimize 0 1e-10 1000 10000
variable a equal lx/4
variable e equal pe/atoms
variable n equal atoms
print "RESULT a $(v_a:%.10f) e $(v_e:%.10f) n $(v_n) p $(press:%.6g)"
"""


HOT_DECK = """units metal
boundary p p p
atom_style atomic
lattice fcc 3.8
region box block 0 4 0 4 0 4
create_box 3 box
create_atoms 1 box
set type 1 type/ratio 2 0.375 4821
set type 1 type/ratio 3 0.2 1377
pair_style eam/alloy
pair_coeff * * {pot} Pd Cu Ni
velocity all create 2500 90211 mom yes rot yes dist gaussian
timestep 0.001
fix nvt all nvt temp 2500 2500 0.1
thermo 500
run 2000
unfix nvt
group pd type 1
group cu type 2
group ni type 3
variable npd equal count(pd)
variable ncu equal count(cu)
variable nni equal count(ni)
print "COUNTS $(v_npd) $(v_ncu) $(v_nni) T $(temp:%.1f)"
write_data {out}
"""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lmp", default=os.environ.get("LMP", "lmp"))
    ap.add_argument("--mgmd", default=os.environ.get("MGMD", os.path.join(ROOT, "build", "mgmd")))
    args = ap.parse_args()
    for f in (PDCUNI, CUZR):
        if not os.path.exists(f):
            check(False, "%s exists" % f)
    with tempfile.TemporaryDirectory() as wd:
        for pot, elements, el, lat, a_ref, ec_ref, src in RELAX:
            name = "relax-%s-%s" % (os.path.basename(pot).split("_")[0], el)
            p = lammps(args.lmp, relax_deck(pot, elements, el, lat, round(1.02 * a_ref, 4)), wd, name)
            m = re.search(r"^RESULT a (\S+) e (\S+) n (\S+) p (\S+)", p.stdout, re.M)
            if p.returncode != 0 or not m:
                check(False, "%s: LAMMPS relaxation of %s %s ran (exit %d)" % (name, lat, el, p.returncode))
                continue
            a, e, n = float(m.group(1)), float(m.group(2)), int(m.group(3))
            print("%s %s from %s: %d atoms, a0 %.6f A, E/atom %.6f eV, P %s bar"
                  % (el, lat, os.path.basename(pot), n, a, e, m.group(4)))
            check(abs(a - a_ref) <= TOL_A0, "LAMMPS %s %s a0 %.6f vs %s %.6g: %+.1e A (tol %g)"
                  % (el, os.path.basename(pot), a, src, a_ref, a - a_ref, TOL_A0))
            check(abs(-e - ec_ref) <= TOL_E, "LAMMPS %s %s E/atom %.6f vs %s -%.2f: %+.4f eV (tol %g)"
                  % (el, os.path.basename(pot), e, src, ec_ref, e + ec_ref, TOL_E))

        # A 4:3:1 configuration made with the Zhou potential itself.
        hot = os.path.join(wd, "pdcuni-hot.data")
        p = lammps(args.lmp, HOT_DECK.format(pot=PDCUNI, out=hot), wd, "hot")
        m = re.search(r"^COUNTS (\d+) (\d+) (\d+) T (\S+)", p.stdout, re.M)
        ok = p.returncode == 0 and m and tuple(int(x) for x in m.groups()[:3]) == (128, 96, 32)
        check(bool(ok), "LAMMPS made a hot Pd:Cu:Ni = 128:96:32 configuration (%s)"
              % ("T %s K" % m.group(4) if m else "exit %d" % p.returncode))

        cases = [("pdcuni-liquid.data", os.path.join(DATA, "pdcuni-liquid.data"), PDCUNI, ["Pd", "Cu", "Ni"])]
        if ok:
            cases.append(("zhou-made 4:3:1 at 2500 K", hot, PDCUNI, ["Pd", "Cu", "Ni"]))
        cases.append(("cuzr-liquid.data", os.path.join(DATA, "cuzr-liquid.data"), CUZR, ["Cu", "Zr"]))
        for what, data, pot, els in cases:
            cmd = [sys.executable, COMPARE, "--lmp", args.lmp, "--mgmd", args.mgmd,
                   data, "eam/alloy", pot] + els
            p = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
            sys.stdout.write(p.stdout)
            if p.returncode not in (0, 1):
                sys.stdout.write(p.stderr[-3000:])
            check(p.returncode == 0 and p.stdout.rstrip().endswith("compare-lammps: PASS"),
                  "compare-lammps %s with %s: PASS (exit %d)" % (what, os.path.basename(pot), p.returncode))

    return checks.summary()


if __name__ == "__main__":
    sys.exit(main())
