#!/usr/bin/python3
"""AQS on 1 and 2 MPI ranks (the planted-instability crystal of
aqscommon.py, sheared xy in 17 steps of 0.008: a box flip at 0.104 and the
avalanche at 0.128).

Forces and global sums are added in another order on 2 ranks, so each
minimisation ends a few 1e-11 A elsewhere (and may take an iteration more
or less): the stresses agree to ~1e-10 GPa, far below the digits the
tables print. Checks:
- the avalanche table is byte for byte the same (it prints 6 significant
  digits: drops, energies, moved atoms, fractions);
- the AQS table has the same strains, and stresses within 1e-8 GPa and
  energies within 1e-10 eV/atom (the same bound as against LAMMPS:
  tests/aqs/lammps.py) on 2 ranks as on 1; the iteration and step columns
  may differ by a few.
"""
import os
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import aqscommon as ac  # noqa: E402

mt = ac.mt
C = mt.Checks()

with tempfile.TemporaryDirectory() as wd:
    data = os.path.join(wd, "crystal.data")
    ac.write_crystal(data)
    deck = f"""units metal
read_data {data}
potential eam/fs CuZr_mm.eam.fs Cu Zr
aqs strain xy step 0.008 to 0.136 drop 0.05 GPa moved 0.5 A file cu
"""
    res = {}
    for np_ in (None, 2):
        sub = os.path.join(wd, f"np{np_ or 1}")
        mt.run_mgmd(deck, sub, np_=np_)
        with open(os.path.join(sub, "cu_avalanches.csv"), "rb") as f:
            res[np_] = (ac.read_table(os.path.join(sub, "cu_aqs.csv")), f.read())

(t1, a1), (t2, a2) = res[None], res[2]
rows = a1.count(b"\n") - 1
C.check(a1 == a2 and rows >= 1, f"avalanche table identical on 1 and 2 ranks ({rows} rows)")
C.check(np.array_equal(t1["strain"], t2["strain"]) and len(t1["strain"]) == 18, "same strains, 18 rows")
ds = max(np.abs(t1[c] - t2[c]).max() for c in ("sxx", "syy", "szz", "sxy", "sxz", "syz", "von_mises"))
de = np.abs(t1["pe"] - t2["pe"]).max()
C.check(ds < 1e-8 and de < 1e-10, f"AQS table on 2 ranks vs 1: stresses max diff {ds:.1e} GPa (tol 1e-8), "
        f"energy {de:.1e} eV/atom (tol 1e-10)")
C.finish()
