#!/usr/bin/python3
"""A checkpoint written on 4 ranks continues on 1, 2 and 3 ranks.

The 500-atom Cu64Zr36 liquid under Nose-Hoover NVT and under NPT writes a
checkpoint at step 40 on 4 ranks; each continuation runs to step 140. The
thermo of the last step (100 steps after the checkpoint) must agree with the
4-rank straight run to 1e-9 relative: a different decomposition sums forces
in another order (round-off ~1e-13 that chaos amplifies by about 10x per
100 steps here), while a state item missing from the checkpoint (a chain
variable, the barostat's strain rate, a box tilt) moves the thermo by far
more than 1e-9."""
import os
import shutil
import tempfile

import numpy as np

from ckcommon import Checker, checkpoints, deck, mt

COLS = ["temp", "pe", "etotal", "econserve", "press", "vol"]
check = Checker()
for name, ens in [("nvt", "nvt temp 1500 K tdamp 0.1 ps"),
                  ("npt", "npt temp 1500 K tdamp 0.1 ps press 0 bar pdamp 0.5 ps")]:
    text = deck(ens, 140, 40)
    with tempfile.TemporaryDirectory() as wd:
        ref = os.path.join(wd, "np4")
        mt.run_mgmd(text, ref, np_=4)
        t_ref = mt.read_thermo(os.path.join(ref, "thermo.csv"))
        first = checkpoints(ref)[0]
        for n in (1, 2, 3):
            run = os.path.join(wd, f"np{n}")
            os.makedirs(os.path.join(run, "ck"))
            shutil.copy(first, os.path.join(run, "ck"))
            shutil.copy(os.path.join(ref, "thermo.csv"), run)
            shutil.copy(os.path.join(ref, "traj.dump"), run)
            shutil.copy(os.path.join(ref, "traj.xyz"), run)
            shutil.copy(os.path.join(ref, "traj.h5md"), run)
            p = mt.run_mgmd(text, run, np_=n, args=("-restart", "ck/" + os.path.basename(first)))
            t = mt.read_thermo(os.path.join(run, "thermo.csv"))
            same_rows = np.array_equal(t["step"], t_ref["step"])
            rel = max(abs(t[c][-1] - t_ref[c][-1]) / max(abs(t_ref[c][-1]), 1e-300) for c in COLS)
            check(same_rows and rel < 1e-9 and "round-off" in p.stdout,
                  f"{name}: 4 ranks -> {n}: step {int(t['step'][-1])} thermo agrees to {rel:.2e} (tol 1e-9)")
check.finish()
