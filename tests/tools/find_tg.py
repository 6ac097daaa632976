#!/usr/bin/python3
"""tools/find-tg recovers a known Tg: synthetic quench tables whose volume is
two straight lines meeting at Tg (glass slope 0.3, liquid slope 1.0 A^3/K,
as a 2,000-atom Cu-Zr cell roughly shows), plus Gaussian noise of 30 A^3
(the volume fluctuation of such a cell, sqrt(kT V / B) with B ~ 100 GPa)
correlated over ~5 lines. For Tg = 700, 750 and 800 K, the tool's Tg must
lie within 3 of its own error estimates of the truth, and its error must be
below 15 K (the resolution a 30 K agreement test between codes needs)."""
import os
import subprocess
import sys
import tempfile

import numpy as np

TOOL = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools", "find-tg")
rng = np.random.default_rng(3)
passed = failed = 0
for tg in (700.0, 750.0, 800.0):
    T = np.linspace(2000, 300, 1700)
    vol = 30000 + 0.3 * (T - tg) + 0.7 * np.maximum(T - tg, 0)
    noise = np.convolve(rng.normal(0, 30, len(T) + 4), np.ones(5) / np.sqrt(5), mode="valid")
    vol = vol + noise
    with tempfile.TemporaryDirectory() as wd:
        csv = os.path.join(wd, "thermo.csv")
        with open(csv, "w") as f:
            f.write("step,temp[K],vol[A^3]\n")
            for k, (t, v) in enumerate(zip(T, vol)):
                f.write(f"{k},{t:.6f},{v:.6f}\n")
        out = subprocess.run([TOOL, csv, "--y", "vol"], capture_output=True, text=True, check=True).stdout
    line = [l for l in out.split("\n") if l.startswith("Tg =")][0]
    got, err = float(line.split()[2]), float(line.split()[4])
    ok = abs(got - tg) <= 3 * max(err, 1.0) and err < 15
    print(f"{'ok  ' if ok else 'FAIL'} Tg {tg:.0f} K: found {got:.0f} +- {err:.0f} K")
    passed += ok
    failed += not ok
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
