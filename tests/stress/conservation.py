#!/usr/bin/python3
"""The conserved quantity with non-hydrostatic targets.

econserve = E + chains + sum W omega_dot^2/2 + P_h V + A, where P_h is the
hydrostatic part of the targets (their mean over the controlled diagonal
components) and A the work of the rest, dA/dt = sum_q (P_q - P_h delta_q)
V omega_dot_q, summed over the box remaps (docs/ensembles.md). fcc Cu
crystal (stcommon.py, 500 atoms, 300 K, 0 bar box), tdamp 0.1 ps, pdamp 1
ps, thermo every 5 steps.

1. Drift: 10 ps at 2 fs of `press 0` (iso, the plain barostat),
   `xx 1 GPa yy 0 zz 0` (uniaxial) and `xx 0 yy 0 zz 0 xy -0.5 GPa`
   (shear): the least-squares slope of econserve/N is below 1e-5 eV/atom
   per 1000 steps (the NVE acceptance bound, as tests/physics/npt.py; the
   sampling noise of the slope over 5000 steps is ~1e-7), and the
   fluctuation of econserve/N about its trend in the uniaxial and shear
   runs is within twice the iso run's (measured 1.7-1.9e-6 eV/atom in all
   three). Without A the uniaxial run's econserve wanders by 5e-4 eV/atom
   (the work of the deviatoric target over the ~1.7 % strain), 300 times
   more, so this separates a right A from a wrong or missing one.
2. Order: the uniaxial and shear runs over 2 ps at 1 fs and at 0.5 fs: the
   fluctuation of econserve about its trend must shrink by more than 3
   when dt halves (velocity Verlet's O(dt^2): 4 expected, measured 4.0),
   as in tests/physics/npt.py. A term of A that did not match the
   equations of motion leaves an error that does not shrink with dt
   (measured without A: ratio 1.0).
About 15 s of CPU (31,000 steps of 500 atoms; 30-40 s on two shared cores)."""
import os
import tempfile

import numpy as np

import stcommon as sc

mt = sc.mt
check = mt.Checks()
DRIFT_TOL = 1e-5  # eV/atom per 1000 steps (issue 2's NVE bound)
CASES = [("iso", "press 0", "eq.data"), ("uniaxial", "xx 1 GPa yy 0 zz 0", "eq.data"),
         ("shear", "xx 0 yy 0 zz 0 xy -0.5 GPa", "eqtri.data")]


def trend(th):
    """Slope of econserve/N (eV/atom per 1000 steps), fluctuation about it."""
    e = th["econserve"] / sc.N
    c = np.polyfit(th["step"], e, 1)
    return c[0] * 1000.0, (e - np.polyval(c, th["step"])).std()


with tempfile.TemporaryDirectory() as wd:
    sc.prep(wd)
    fl = {}
    for name, targets, data in CASES:
        d = os.path.join(wd, name)
        mt.run_mgmd(sc.npt_deck(os.path.join(wd, data), targets, 5000), d)
        s, fl[name] = trend(sc.thermo(d))
        check(abs(s) < DRIFT_TOL, f"{name} ('{targets}'), 2 fs: econserve drift {s:.2e} eV/atom per 1000 steps "
              f"over 5000 steps (tol {DRIFT_TOL:g}); fluctuation {fl[name]:.2e} eV/atom")
    for name in ("uniaxial", "shear"):
        check(fl[name] < 2 * fl["iso"], f"{name}: econserve fluctuates by {fl[name]:.2e} eV/atom, iso by "
              f"{fl['iso']:.2e} (at most twice allowed)")
    for name, targets, data in CASES[1:]:
        f = {}
        for dt_fs, steps in ((1.0, 2000), (0.5, 4000)):
            d = os.path.join(wd, f"{name}-{dt_fs}")
            mt.run_mgmd(sc.npt_deck(os.path.join(wd, data), targets, steps, dt_fs=dt_fs, every=int(5 / dt_fs)), d)
            f[dt_fs] = trend(sc.thermo(d))[1]
        check(f[1.0] / f[0.5] > 3.0, f"{name}: econserve fluctuation {f[1.0]:.2e} at 1 fs, {f[0.5]:.2e} at 0.5 fs: "
              f"ratio {f[1.0] / f[0.5]:.2f} (4 for O(dt^2); more than 3 required)")

check.finish()
