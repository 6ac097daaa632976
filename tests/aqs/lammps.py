#!/usr/bin/python3
"""AQS against LAMMPS: a planted instability (tests/aqs/aqscommon.py: a Cu
crystal with 6 Zr solutes, 96 atoms, sheared xy on a (111)<110> slip system).

Independent references, all from LAMMPS on the same data file and
potential (CuZr_mm.eam.fs):
- where the instability is: LAMMPS' AQS loop (change_box xy delta + CG
  minimisation to ftol 1e-10 eV/A) with steps of 0.001 puts the first drop
  of sxy in (g_a, g_b], g_b - g_a = 0.001;
- the loop with mgmd's step (0.004), writing the positions after every
  affine step and every minimisation: stresses, energies, stress drops,
  energy drops, the non-affine displacements and the number of atoms that
  moved more than 0.5 A in each increment.

Checks:
- mgmd's first avalanche is at the first strain of its grid (k 0.004) at or
  after g_b, and no grid point lies inside (g_a, g_b) (else the fixture
  would not pin the increment);
- the box flipped (xy past Lx/2 at strain 0.102) before that: LAMMPS' loop
  never flips (box tilt large), so agreement below across the flip is the
  flip's test;
- every increment: the six stresses within 1e-8 GPa and the energy within
  1e-10 eV/atom of LAMMPS'. Both minimise to |F| < 1e-10 eV/A with forces
  that agree to 1e-10 eV/A (tests/potential), so minima agree to ~1e-10 A
  and stresses to ~1e-9 GPa (found: 5e-10 GPa, 5e-12 eV/atom);
- the largest non-affine displacement of every increment within 1e-5 A of
  LAMMPS' (the table prints 6 digits);
- the avalanche table lists exactly LAMMPS' drops (sxy falling by more than
  the threshold, 0.05 GPa), each with its stress drop within 1e-5 GPa and
  its energy drop within 1e-5 eV (6 printed digits of values ~1-5), the
  same number of moved atoms (non-affine displacement > 0.5 A) and fraction;
- the summary's shear modulus equals the least-squares slope of LAMMPS'
  sxy over strain 0..0.01 within 1e-6 relative.
"""
import os
import re
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import aqscommon as ac  # noqa: E402

mt = ac.mt
C = mt.Checks()
if not ac.lammps_binary():
    print("LAMMPS (lmp) not found: cannot run the reference")
    sys.exit(1)

STEP, GMAX, DROP, MOVED = 0.004, 0.2, 0.05, 0.5
N = int(round(GMAX / STEP))

with tempfile.TemporaryDirectory() as wd:
    data = os.path.join(wd, "crystal.data")
    natoms = ac.write_crystal(data)
    fine = ac.lammps_aqs(data, os.path.join(wd, "lmp-fine"), 0.001, 130)
    ref = ac.lammps_aqs(data, os.path.join(wd, "lmp"), STEP, N, dumps=True)
    deck = f"""units metal
read_data {data}
potential eam/fs CuZr_mm.eam.fs Cu Zr
aqs strain xy step {STEP} to {GMAX} drop {DROP} GPa moved {MOVED} A file cu
"""
    p = mt.run_mgmd(deck, os.path.join(wd, "mgmd"))
    tab = ac.read_table(os.path.join(wd, "mgmd", "cu_aqs.csv"))
    av = ac.read_table(os.path.join(wd, "mgmd", "cu_avalanches.csv"))

# Where the instability is (fine LAMMPS loop).
fd = ac.lammps_drops(fine["sigma"], fine["pe"], 3, DROP)
C.check(len(fd) >= 1, f"LAMMPS (step 0.001): first drop of sxy at strain {fd[0][0] * 0.001 if fd else None}")
gb = fd[0][0] * 0.001
ga = gb - 0.001
k_expect = int(np.ceil(gb / STEP - 1e-9))
inside = [k for k in range(N + 1) if ga + 1e-12 < k * STEP < gb - 1e-12]
C.check(not inside, f"the instability lies in ({ga:.3f}, {gb:.3f}]; no point of mgmd's grid inside it")
C.check(len(av["increment"]) >= 1 and int(av["increment"][0]) == k_expect,
        f"mgmd's first avalanche at increment {int(av['increment'][0]) if len(av['increment']) else None} "
        f"(strain {av['strain'][0] if len(av['strain']) else None}); expected {k_expect} (strain "
        f"{k_expect * STEP:.3f}, the first grid point at or after {gb:.3f})")

flip = re.search(r"aqs: step \d+: box flipped to tilts xy (\S+)", p.stdout)
C.check(flip is not None and float(flip.group(1)) < 0,
        f"the box flipped before the instability: {flip.group(0) if flip else 'no flip'}")
if flip:
    # Minimisations before the message: increments 0 .. flipped-1.
    flipped = p.stdout[:flip.start()].count("Minimization (")
    C.check(0 < flipped < k_expect, f"the flip came with increment {flipped} (before {k_expect})")

# Every increment.
sig = np.array([tab[c] for c in ("sxx", "syy", "szz", "sxy", "sxz", "syz")]).T
C.check(len(tab["increment"]) == N + 1 and np.all(tab["increment"] == np.arange(N + 1)),
        f"aqs table: rows for increments 0..{N}")
C.check(np.allclose(tab["strain"], np.arange(N + 1) * STEP, rtol=0, atol=1e-12), "strain column = k * step")
ds = np.abs(sig - ref["sigma"]).max()
de = np.abs(tab["pe"] - ref["pe"] / natoms).max()
C.check(ds < 1e-8, f"stresses vs LAMMPS, every increment: max diff {ds:.2e} GPa (tol 1e-8)")
C.check(de < 1e-10, f"energy vs LAMMPS, every increment: max diff {de:.2e} eV/atom (tol 1e-10)")
C.check(np.all(tab["converged"] == 1), "every minimisation stopped on the force tolerance")
vm = np.sqrt(0.5 * ((sig[:, 0] - sig[:, 1]) ** 2 + (sig[:, 1] - sig[:, 2]) ** 2 + (sig[:, 2] - sig[:, 0]) ** 2)
             + 3 * (sig[:, 3] ** 2 + sig[:, 4] ** 2 + sig[:, 5] ** 2))
C.check(np.allclose(tab["von_mises"], vm, rtol=1e-8, atol=1e-9), "von Mises column from the six stresses")
na = np.linalg.norm(ref["minimised"] - ref["affine"], axis=2)
dn = np.abs(tab["nonaffine_max"] - na.max(axis=1)).max()
C.check(dn < 1e-5, f"largest non-affine displacement of every increment vs LAMMPS: max diff {dn:.1e} A (tol 1e-5)")

# Avalanches.
ld = ac.lammps_drops(ref["sigma"], ref["pe"], 3, DROP)
C.check([k for k, _, _ in ld] == [int(k) for k in av["increment"]],
        f"avalanche increments: mgmd {[int(k) for k in av['increment']]}, LAMMPS {[k for k, _, _ in ld]}")
for j, (k, dsig, dE) in enumerate(ld[:len(av["increment"])]):
    nm = int((na[k] > MOVED).sum())
    ok = (abs(av["stress_drop"][j] - dsig) < 1e-5 and abs(av["energy_drop"][j] - dE) < 1e-5
          and abs(av["energy_drop_per_atom"][j] - dE / natoms) < 1e-7 and int(av["moved_atoms"][j]) == nm
          and abs(av["moved_fraction"][j] - nm / natoms) < 1e-6 and abs(av["nonaffine_max"][j] - na[k].max()) < 1e-5)
    C.check(ok, f"avalanche at increment {k}: drop {av['stress_drop'][j]} GPa (LAMMPS {dsig:.6f}), energy "
            f"{av['energy_drop'][j]} eV (LAMMPS {dE:.6f}), moved {int(av['moved_atoms'][j])} atoms (LAMMPS {nm}), "
            f"largest {av['nonaffine_max'][j]} A (LAMMPS {na[k].max():.6f})")

# Summary: modulus from the same definitions (least squares over 0..0.01).
m = re.search(r"aqs: shear modulus xy (\S+) GPa", p.stdout)
sel = np.arange(N + 1) * STEP <= 0.01 + 1e-12
slope = np.polyfit(np.arange(N + 1)[sel] * STEP, ref["sigma"][sel, 3], 1)[0]
C.check(m is not None and abs(float(m.group(1)) / slope - 1) < 1e-6,
        f"summary: shear modulus {m.group(1) if m else None} GPa, LAMMPS' curve {slope:.6g} GPa (1e-6)")
n_av = re.search(r"aqs: (\d+) avalanches? ", p.stdout)
C.check(n_av is not None and int(n_av.group(1)) == len(ld), f"summary counts {n_av.group(1) if n_av else None} "
        f"avalanches")
C.finish()
