#!/usr/bin/python3
"""NVE on the Cu64Zr36 liquid at 1500 K (tests/data/cuzr-liquid.data, made by
LAMMPS with Mendelev's CuZr_mm.eam.fs), time step 1 fs, 10,000 steps.

Checks (tolerances from issue 2):
- energy drift: the slope of a least-squares line through E_total/N against
  step, over the whole run, is below 1e-5 eV/atom per 1000 steps;
- momentum: the total momentum changes by less than 1e-10 of the sum of the
  atoms' momentum magnitudes (round-off in ~1e8 pair forces is ~1e-13 of it;
  a missing reaction force would be ~1e-2).
"""
import os
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import mgmdtest as mt

STEPS = int(os.environ.get("NVE_STEPS", "10000"))
np_ = int(sys.argv[1]) if len(sys.argv) > 1 else None

deck = f"""
units metal
timestep 1 fs
read_data {mt.DATA}/cuzr-liquid.data
potential eam/fs CuZr_mm.eam.fs Cu Zr
neighbor skin 1.0 A every 1 check yes
write_data start.data
thermo every 10 file thermo.csv
run {STEPS}
write_data end.data
"""
with tempfile.TemporaryDirectory() as wd:
    mt.run_mgmd(deck, wd, np_=np_)
    th = mt.read_thermo(os.path.join(wd, "thermo.csv"))
    a, b = mt.read_data(os.path.join(wd, "start.data")), mt.read_data(os.path.join(wd, "end.data"))

n = len(a["id"])
e = th["etotal"] / n
slope = np.polyfit(th["step"], e, 1)[0] * 1000.0
print(f"atoms {n}, steps {STEPS}, mean T {th['temp'].mean():.1f} K")
print(f"E_total/N: mean {e.mean():.8f} eV, std {e.std():.2e} eV, drift {slope:.3e} eV/atom per 1000 steps (tol 1e-05)")
m = np.array([a["masses"][t] for t in a["type"]])
p0 = (m[:, None] * a["v"]).sum(axis=0)
p1 = (m[:, None] * b["v"]).sum(axis=0)
scale = (m * np.linalg.norm(b["v"], axis=1)).sum()
dp = np.linalg.norm(p1 - p0) / scale
print(f"momentum: |P_end - P_start| / sum m|v| = {dp:.2e} (tol 1e-10)")
ok = abs(slope) < 1e-5 and dp < 1e-10 and abs(th["temp"].mean() - 1500) < 150
print("1 passed, 0 failed" if ok else "0 passed, 1 failed")
sys.exit(0 if ok else 1)
