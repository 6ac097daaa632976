#!/usr/bin/python3
"""Affine shear of a crystal at 0 K: the observer's fitted shear modulus is
C44.

fcc Cu (Cu_u3.eam, a = 3.615 A, 4x4x4 cells = 256 atoms, cube axes along
x, y, z) is sheared in xy by deck steps of 0.001 ly (change_box xy delta,
remap), each followed by a minimisation and `analyze`, up to 1 % (`stages
manual`, one stage). Every fcc atom is a centre of inversion, so the
affine positions are the relaxed ones and sxy(gamma) is the elastic
response with no internal relaxation.

Reference: LAMMPS on the same lattice and potential, sheared by +-1e-4
(change_box xy delta +-1e-4 ly, minimize), C44 = (sxy(+) - sxy(-)) / 2e-4
(central difference: exact to O(gamma^2)). By the mirror y -> -y, sxy is
odd in gamma, so a line fitted over [0, 0.01] differs from C44 by the
cubic term only, ~ (C4444/C44) gamma^2 / 3 ~ 1e-3 for the third/fourth-
order constants of Cu; the test requires 1 % (the issue's tolerance).
Also: sxy = 0 at gamma = 0 (the unsheared cubic crystal, by symmetry; to
1e-10 GPa, round-off of a sum of pair terms of ~100 GPa), the summary recomputed by NumPy from the
table (1e-9), a curve that never reaches the offset line: no yield, 'nan'
yield columns and "no yield" on screen; the `analyze` samples carry the
strains 0.000, 0.001, ..., 0.010 exactly (1e-12).
Runtime about 5 s.
"""
import os
import re
import shutil
import subprocess

import numpy as np

import stress_strain_common as sc

mt = sc.mt
check = mt.Checks()
A, CELLS, STEP, NSTEP = 3.615, 4, 0.001, 10
LY = A * CELLS


def lammps_c44(wd):
    exe = os.environ.get("MGMD_LAMMPS") or shutil.which("lmp")
    if not exe:
        check(False, "LAMMPS (lmp or $MGMD_LAMMPS) is needed for the C44 reference")
        return None
    pot = "/usr/share/lammps/potentials/Cu_u3.eam"
    sxy = {}
    for sign in (1, -1):
        d = os.path.join(wd, "lammps%+d" % sign)
        os.makedirs(d, exist_ok=True)
        deck = f"""units metal
boundary p p p
lattice fcc {A}
region box prism 0 {CELLS} 0 {CELLS} 0 {CELLS} 0 0 0
create_box 1 box
create_atoms 1 box
mass 1 63.546
pair_style eam
pair_coeff 1 1 {pot}
change_box all xy delta {sign * 1e-4 * LY:.17g} remap units box
minimize 0 1e-12 1000 10000
thermo_style custom step pe pxy
run 0
variable s equal -pxy/1e4
print "SXY $(v_s:%.17g)"
"""
        with open(os.path.join(d, "in.lmp"), "w") as f:
            f.write(deck)
        p = subprocess.run([exe, "-in", "in.lmp", "-log", "log.lammps", "-screen", "none"], cwd=d,
                           capture_output=True, text=True, timeout=300)
        log = open(os.path.join(d, "log.lammps")).read() if os.path.exists(os.path.join(d, "log.lammps")) else ""
        m = re.search(r"^SXY (\S+)", log, re.M)
        if p.returncode != 0 or not m:
            check(False, f"LAMMPS run failed (exit {p.returncode}): {p.stderr[-500:]}")
            return None
        sxy[sign] = float(m.group(1))
    return (sxy[1] - sxy[-1]) / 2e-4


def main():
    wd = sc.workdir("c44")
    c44 = lammps_c44(wd)
    deck = f"""units metal
create_lattice fcc {A} A cells {CELLS} {CELLS} {CELLS} types Cu
potential eam Cu_u3.eam
change_box all triclinic
stress_strain c strain xy file c fit 0.01 at_end no stages manual
analyze c
for k from 1 to {NSTEP}
  change_box all xy delta {STEP * LY:.17g} remap
  minimize cg etol 0 ftol 1e-10 maxiter 1000
  analyze c
end
stress_strain c end_stage
"""
    p = mt.run_mgmd(deck, wd)
    header, rows = sc.read_csv(os.path.join(wd, "c.csv"))
    g = sc.column(rows, "gamma_xy[1]")
    check(len(g) == NSTEP + 1 and np.abs(g - STEP * np.arange(NSTEP + 1)).max() < 1e-12,
          f"{len(g)} samples at gamma = 0, 0.001, ..., 0.01 (max error "
          f"{np.abs(g - STEP * np.arange(len(g))).max():.1e})")
    _, srows = sc.read_csv(os.path.join(wd, "c_summary.csv"))
    s = sc.summary_values(srows[0])
    if c44 is not None:
        dev = s["modulus"] / c44 - 1
        check(abs(dev) < 0.01, f"fitted shear modulus {s['modulus']:.6f} GPa (+- {s['modulus_se']:.2g}, "
              f"{s['fit_points']} points) vs LAMMPS C44 {c44:.6f} GPa: {dev:+.2e} relative (1 % allowed)")
    s0 = float(rows[0]["sxy[GPa]"])
    check(abs(s0) < 1e-10, f"sxy at gamma = 0: {s0:.2e} GPa (0 by symmetry)")
    bad, n = sc.recompute(os.path.join(wd, "c.csv"), os.path.join(wd, "c_summary.csv"))
    check(not bad, f"{n} summary values recomputed by NumPy agree to 1e-9" + (f": {bad}" if bad else ""))
    check(srows[0]["yield_strain[1]"] == "nan" and srows[0]["yield_stress[GPa]"] == "nan" and
          srows[0]["secant_yield[GPa]"] == "nan" and re.search(r"\n\s+no yield: the curve does not cross", p.stdout),
          "elastic to 1 %: no yield ('nan' in the summary, 'no yield' on screen)")
    check.finish()


if __name__ == "__main__":
    main()
