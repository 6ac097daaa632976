#!/usr/bin/python3
"""Uniaxial stress: tension along x by `deform` with the lateral axes under
a barostat at zero stress (`ensemble npt ... couple aniso axes yz press 0`),
the 500-atom Cu64Zr36 glass at 50 K, strained at 1e9 /s to 1 % (10 ps).

- The lateral pressures pyy and pzz average zero within 3 standard errors
  (blocks of 1 ps over the last 8 ps) while pxx goes to several GPa of
  tension: the lateral faces are stress-free.
- Poisson contraction: the lateral strains against the axial strain
  (linear fits over the last 8 ps; the barostat lags the loading by about
  its damping time, which offsets the lateral strain but not its slope)
  give nu_y = -d eps_y / d eps_x and nu_z. For uniaxial stress along x an
  elastic solid contracts by nu_xy = -S_21 / S_11 and nu_xz = -S_31 / S_11
  with S = C^-1, the compliance of this very configuration; C_ij is
  measured here with LAMMPS on the glass at 0 K (change_box +-1e-4 per
  Voigt strain, minimised at fixed box, central differences of the
  pressure tensor). A 500-atom glass is anisotropic (here nu_xy 0.28,
  nu_xz 0.54); the check is on the mean of the two directions, within 10 %
  (the issue's bound: the glass at 50 K is not at 0 K,
  the loading is not quasistatic, the strain noise of 500 atoms is a few
  1e-4). Per direction the ratios depend on the run: with velocity seeds
  7, 8, 9 mgmd measures (nu_y, nu_z) = (0.50, 0.31), (0.36, 0.43), (0.34,
  0.46), and LAMMPS' fix npt y z + fix deform x on the same input (0.29,
  0.50); local rearrangements of 500 atoms at 1 % strain move the split
  between the two lateral axes, not their mean. The barostat alone follows
  LAMMPS' fix npt y z to 1e-7 A over 1000 steps on this input.
"""
import os
import subprocess
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import mgmdtest as mt  # noqa: E402

check = mt.Checks()
LMP = os.environ.get("MGMD_LAMMPS", "lmp")
POT = "/usr/share/lammps/potentials/CuZr_mm.eam.fs"


def block_se(x, nblocks):
    b = np.array([blk.mean() for blk in np.array_split(x, nblocks)])
    return b.mean(), b.std(ddof=1) / np.sqrt(nblocks)


def lammps_cij(data, wd, eps=1e-4):
    """C_ij (GPa, Voigt xx yy zz yz xz xy) of the data file at 0 K: +-eps per
    strain, atoms minimised at fixed box, C_ij = -(p_i(+) - p_i(-)) / 2 eps."""
    strains = [("x", "scale"), ("y", "scale"), ("z", "scale"), ("yz", "lz"), ("xz", "lz"), ("xy", "ly")]
    lines = [f"""units metal
atom_style atomic
boundary p p p
read_data {data}
change_box all triclinic
pair_style eam/fs
pair_coeff * * {POT} Cu Zr
min_style cg
thermo_style custom step pxx pyy pzz pyz pxz pxy
thermo_modify format float %.17g
minimize 0 1e-12 20000 100000
"""]
    for k, (comp, how) in enumerate(strains):
        for sign, tag in ((1, "P"), (-1, "M")):
            if how == "scale":
                op = f"change_box all {comp} scale {1 + sign * eps!r} remap units box"
                undo = f"change_box all {comp} scale {1 / (1 + sign * eps)!r} remap units box"
            else:
                op = f"variable dd equal {sign * eps!r}*{how}\nchange_box all {comp} delta ${{dd}} remap units box"
                undo = f"change_box all {comp} delta $(-v_dd) remap units box"
            lines.append(f"""{op}
minimize 0 1e-12 20000 100000
print "{tag}{k} $(pxx) $(pyy) $(pzz) $(pyz) $(pxz) $(pxy)"
{undo}
minimize 0 1e-12 20000 100000
""")
    with open(os.path.join(wd, "cij.lmp"), "w") as f:
        f.write("".join(lines))
    p = subprocess.run([LMP, "-in", "cij.lmp", "-log", "none"], cwd=wd, capture_output=True, text=True)
    got = {}
    for l in p.stdout.splitlines():
        w = l.split()
        if len(w) == 7 and w[0][0] in "PM" and w[0][1:].isdigit():
            got[w[0]] = np.array([float(v) for v in w[1:]])
    if len(got) != 12:
        raise RuntimeError("LAMMPS C_ij failed: " + (p.stdout + p.stderr)[-1500:])
    C = np.zeros((6, 6))
    for j in range(6):
        C[:, j] = -(got[f"P{j}"] - got[f"M{j}"]) / (2 * eps) / 1e4
    return C


with tempfile.TemporaryDirectory() as wd:
    d = os.path.join(wd, "tension")
    mt.run_mgmd(f"""units metal
timestep 2 fs
read_data {mt.DATA}/cuzr-glass.data
potential eam/fs CuZr_mm.eam.fs Cu Zr
neighbor skin 1.0
velocity create 50 K seed 7
ensemble npt temp 50 K tdamp 0.1 ps press 0 bar pdamp 0.5 ps couple aniso axes yz
run 2000
deform pull xx erate 1e9 1/s
thermo every 10 file thermo.csv columns step time pxx pyy pzz lx ly lz
run 5000
""", d)
    t = mt.read_thermo(os.path.join(d, "thermo.csv"))
    t0 = t["time"][0]
    late = t["time"] - t0 >= 2.0
    for comp in ("pyy", "pzz"):
        m, se = block_se(t[comp][late], 8)
        check(abs(m) < 3 * se, f"lateral {comp} averages {m:.0f} +- {se:.0f} bar = 0 (the faces are stress-free)")
    check(t["pxx"][-1] < -1e4, f"axial pxx reaches {t['pxx'][-1] / 1e4:.2f} GPa (tension)")
    ex = t["lx"] / t["lx"][0] - 1
    nu = [-np.polyfit(ex[late], t[k][late] / t[k][0] - 1, 1)[0] for k in ("ly", "lz")]
    check(abs(ex[-1] - 0.01) < 1e-9, f"axial strain at the end {ex[-1]:.6f} = 1e9 /s x 10 ps")
    C = lammps_cij(os.path.join(mt.DATA, "cuzr-glass.data"), wd)
    S = np.linalg.inv(C)
    nu_c = [-S[1, 0] / S[0, 0], -S[2, 0] / S[0, 0]]
    check(abs(np.mean(nu) - np.mean(nu_c)) < 0.1 * np.mean(nu_c),
          f"Poisson contraction (mean of y and z) {np.mean(nu):.3f} = mean of -S21/S11, -S31/S11 from LAMMPS' C_ij "
          f"{np.mean(nu_c):.3f} within 10 % (per direction: measured {nu[0]:.3f}, {nu[1]:.3f}; from C "
          f"{nu_c[0]:.3f}, {nu_c[1]:.3f})")
    check(0.3 < np.mean(nu_c) < 0.45, f"the glass's Poisson ratio {np.mean(nu_c):.3f} is a metallic glass's "
          f"(Cu-Zr: ~0.36-0.40)")
check.finish()
