#!/usr/bin/python3
"""Every ensemble gives the same run on 1 and 3 ranks: nvt, langevin (random
forces keyed by seed, atom id and step), npt iso and npt tri (with a tilted
box), 100 steps of 2 fs on the 500-atom Cu64Zr36 liquid. Thermo (including
the conserved quantity and the box) must agree to 1e-9 relative, as for NVE
(issue 2): round-off differs between rank counts, a missing reduction or a
rank-dependent random number does not stay below 1e-9. Short, so that the
sanitizer build runs every ensemble's code on several ranks too."""
import os
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import mgmdtest as mt

CASES = {
    "nvt": ("cuzr-liquid.data", "nvt temp 1500 K 1400 K tdamp 0.1 ps"),
    "langevin": ("cuzr-liquid.data", "langevin temp 1500 K damp 0.1 ps seed 5"),
    "npt iso": ("cuzr-liquid.data", "npt temp 1500 K tdamp 0.1 ps press 0 bar 1000 bar pdamp 0.5 ps couple iso"),
    "npt tri": ("cuzr-triclinic.data", "npt temp 1500 K tdamp 0.1 ps press 0 bar pdamp 0.5 ps couple tri"),
}
COLS = ["temp", "pe", "etotal", "econserve", "press", "pxy", "vol"]
passed = failed = 0
for name, (data, ens) in CASES.items():
    deck = f"""units metal
timestep 2 fs
read_data {mt.DATA}/{data}
potential eam/fs CuZr_mm.eam.fs Cu Zr
ensemble {ens}
thermo every 10 file thermo.csv
run 100
"""
    th = []
    for n in (1, 3):
        with tempfile.TemporaryDirectory() as wd:
            mt.run_mgmd(deck, wd, np_=n)
            th.append(mt.read_thermo(os.path.join(wd, "thermo.csv")))
    rel = max(np.max(np.abs(th[1][c] - th[0][c]) / np.maximum(np.abs(th[0][c]), 1e-300)) for c in COLS)
    ok = rel < 1e-9 and len(th[0]["step"]) == len(th[1]["step"]) == 11
    print(f"{'ok  ' if ok else 'FAIL'} {name}: 3 ranks vs 1, thermo max rel diff {rel:.2e} (tol 1e-9)")
    passed += ok
    failed += not ok
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
