#!/usr/bin/python3
"""Thermostats sample the canonical ensemble (issue 3).

Cu64Zr36 liquid (tests/data/cuzr-liquid.data, 500 atoms, Mendelev's
CuZr_mm.eam.fs) at 1500 K, 2 fs steps, for the Nose-Hoover chain (tdamp
0.1 ps) and for Langevin (damp 0.1 ps): after 4 ps of equilibration,
24 ps sampled every 20 fs.

Canonical values: <T> = T0 and Var(T) = 2 T0^2 / Nf with Nf = 3N - 3
(kinetic energy is a sum of Nf/2 ... chi-squared with Nf degrees of
freedom). Standard errors come from 10 blocks of 2.4 ps (much longer than the
~0.2 ps correlation time of T), and each check allows 4 standard errors
(a false failure ~1e-4 per check). The chain's conserved quantity must
drift by less than 1e-5 eV/atom per 1000 steps (the NVE bound of issue 2).
"""
import os
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import mgmdtest as mt

T0 = 1500.0
EQ, PROD, EVERY, NBLOCK = 2000, 12000, 10, 10
checks = mt.Checks()


def check(name, ok, text):
    """The shared tally (tests/mgmdtest.py), with the measured values shown."""
    checks(ok, f"{name}: {text}")


for label, ens in (("nose-hoover", "nvt temp 1500 K tdamp 0.1 ps"),
                   ("langevin", "langevin temp 1500 K damp 0.1 ps seed 77")):
    deck = f"""units metal
timestep 2 fs
read_data {mt.DATA}/cuzr-liquid.data
potential eam/fs CuZr_mm.eam.fs Cu Zr
ensemble {ens}
run {EQ}
thermo every {EVERY} file thermo.csv
run {PROD}
"""
    with tempfile.TemporaryDirectory() as wd:
        mt.run_mgmd(deck, wd)
        th = mt.read_thermo(os.path.join(wd, "thermo.csv"))
    n_atoms = 500
    dof = 3 * n_atoms - 3
    T = th["temp"][1:]  # the first row repeats the end of equilibration
    blocks = np.array_split(T, NBLOCK)
    means = np.array([b.mean() for b in blocks])
    varis = np.array([b.var() for b in blocks])
    mean, se_mean = T.mean(), means.std(ddof=1) / np.sqrt(NBLOCK)
    var, se_var = T.var(), varis.std(ddof=1) / np.sqrt(NBLOCK)
    var_expected = 2 * T0 ** 2 / dof
    check(f"{label} mean T", abs(mean - T0) < 4 * se_mean,
          f"<T> = {mean:.1f} K +- {se_mean:.1f} (4 SE allowed), canonical {T0:.0f} K")
    check(f"{label} Var(T)", abs(var - var_expected) < 4 * se_var,
          f"Var(T) = {var:.0f} K^2 +- {se_var:.0f}, canonical 2 T0^2/Nf = {var_expected:.0f} K^2")
    if label == "nose-hoover":
        e = th["econserve"] / n_atoms
        slope = np.polyfit(th["step"], e, 1)[0] * 1000
        check("nose-hoover conserved quantity", abs(slope) < 1e-5,
              f"drift {slope:.2e} eV/atom per 1000 steps (tol 1e-5)")
checks.finish()
