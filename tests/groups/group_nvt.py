#!/usr/bin/python3
"""A thermostat on part of the system: NVT on the middle slab of a slab
system holds that group's temperature at the canonical mean and variance
of its own degrees of freedom.

Cu64Zr36 liquid (tests/data/cuzr-liquid.data, 500 atoms, periodic), the
middle third in z as a static group (~170 atoms) under a Nose-Hoover chain
at 1500 K (tdamp 0.1 ps); the other atoms integrate NVE and exchange heat
with it through the forces. 2 fs steps; 4 ps of equilibration, then 30 ps
with the group's temperature written every 20 fs (thermo groups mid).

The chain acts on the group's momenta with Nf = 3 N_g - 3 (md_group_dof,
as LAMMPS' compute temp on a group), so its temperature T_g = 2 KE_g /
(Nf k_B) has <T_g> = T0 and Var(T_g) = 2 T0^2 / Nf (KE_g chi-squared with
Nf degrees of freedom). Standard errors from 10 blocks of 3 ps (much longer
than the ~0.2 ps correlation time of T); each check allows 4 of them (a
false failure ~1e-4 per check). The rest of the system, heated only
through the group, must reach the same temperature: its mean within 4 SE
plus 1.5 % of T0 (the share of the group's 3 removed degrees of freedom,
3 / (3 N_g), and the slow exchange across the slab faces).

The variance is what tells a thermostat that uses the group's own Nf
from one that does not: one using the whole system's Nf = 3N - 3 on the
group would give Var(T_g) off by a factor ~N/N_g ~ 3, far outside 4 SE
(~20 %), while the mean alone would not show it.
"""
import os
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import mgmdtest as mt  # noqa: E402

T0 = 1500.0
EQ, PROD, EVERY, NBLOCK = 2000, 15000, 10, 10
checks = mt.Checks()
d = mt.read_data(os.path.join(mt.DATA, "cuzr-liquid.data"))
lo, hi = d["lo"][2], d["hi"][2]
z0, z1 = lo + (hi - lo) / 3, lo + 2 * (hi - lo) / 3
deck = f"""units metal
timestep 2 fs
read_data {mt.DATA}/cuzr-liquid.data
potential eam/fs CuZr_mm.eam.fs Cu Zr
region mid block INF INF INF INF {z0:.12g} {z1:.12g}
group mid region mid
group rest subtract all mid
ensemble nvt temp {T0} K tdamp 0.1 ps group mid
run {EQ}
thermo every {EVERY} file thermo.csv groups mid rest
run {PROD}
"""
with tempfile.TemporaryDirectory() as wd:
    mt.run_mgmd(deck, wd)
    th = mt.read_thermo(os.path.join(wd, "thermo.csv"))
ng = int(th["count_mid"][0])
nf = 3 * ng - 3
for name, col in (("group mid", "temp_mid"), ("rest", "temp_rest")):
    T = th[col][1:]
    blocks = np.array_split(T, NBLOCK)
    means = np.array([b.mean() for b in blocks])
    mean, se = T.mean(), means.std(ddof=1) / np.sqrt(NBLOCK)
    if name == "group mid":
        checks(abs(mean - T0) < 4 * se, f"{name} ({ng} atoms): <T> = {mean:.1f} K +- {se:.1f} (4 SE), T0 {T0:.0f} K")
        varis = np.array([b.var() for b in blocks])
        var, se_var = T.var(), varis.std(ddof=1) / np.sqrt(NBLOCK)
        want = 2 * T0 ** 2 / nf
        checks(abs(var - want) < 4 * se_var,
               f"{name}: Var(T) = {var:.0f} K^2 +- {se_var:.0f} (4 SE), canonical 2 T0^2/Nf = {want:.0f} (Nf {nf})")
    else:
        checks(abs(mean - T0) < 4 * se + 0.015 * T0,
               f"{name} (NVE, heated by the group): <T> = {mean:.1f} K +- {se:.1f}, T0 {T0:.0f} K")
checks.finish()
