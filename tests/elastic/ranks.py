#!/usr/bin/python3
"""`elastic` on 1 and 3 ranks: the same C_ij, and the configuration restored
on every rank.

- The 500-atom Cu64Zr36 glass (tests/data/cuzr-glass.data), EPS 1e-4,
  relax yes and relax no: every C_ij on 3 ranks equals 1 rank's to 1e-6
  GPa. Affine states differ only by the summation order of the virial
  (round-off, ~1e-15 of ~1e4 bar: 1e-11 bar, /2e-4 -> ~5e-12 GPa);
  relaxed states also by where CG stops: both below |F| = 1e-10 eV/A (2-norm),
  which leaves displacements ~|F|/k ~ 1e-10 A (k ~ 1 eV/A^2) and a stress
  below |F| r sqrt(N) / V ~ 1e-12 eV/A^3 (~2e-7 bar, ~1e-7 GPa after the
  division by 2 EPS); measured ~1e-9 GPa.
- On 3 ranks, write_data right before and after the command (0 K, and a
  short run at 300 K, whose runs migrate atoms between ranks) is
  byte-identical: each rank gets back exactly the atoms it owned, in their
  order, with positions, image flags and velocities.
"""
import filecmp
import os
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import elcommon as ec  # noqa: E402

mt = ec.mt
C = mt.Checks()
GLASS = os.path.join(mt.DATA, "cuzr-glass.data")
DECK = f"""units metal
timestep 2 fs
read_data {GLASS}
potential eam/fs CuZr_mm.eam.fs Cu Zr
write_data before.data
elastic strain 1e-4 relax yes file rel
elastic strain 1e-4 relax no file aff
write_data after.data
ensemble nvt temp 300 K tdamp 0.1 ps
write_data before-t.data
elastic strain 0.01 temp 300 K steps 40 equil 10 blocks 4 file hot
write_data after-t.data
"""

res = {}
with tempfile.TemporaryDirectory() as wd:
    for n in (1, 3):
        d = os.path.join(wd, f"np{n}")
        mt.run_mgmd(DECK, d, np_=None if n == 1 else n)
        res[n] = {k: ec.read_cij(os.path.join(d, f"{k}_cij.csv")) for k in ("rel", "aff")}
        for tag, a, b in (("0 K", "before.data", "after.data"), ("300 K", "before-t.data", "after-t.data")):
            C.check(filecmp.cmp(os.path.join(d, a), os.path.join(d, b), shallow=False),
                    f"{n} rank(s), {tag}: write_data before and after the command byte-identical")
    for k, what in (("rel", "relax yes"), ("aff", "relax no")):
        diff = np.abs(res[3][k] - res[1][k]).max()
        C.check(diff < 1e-6, f"glass {what}: C_ij on 3 ranks = 1 rank to 1e-6 GPa (largest difference {diff:.2g} GPa)")
C.finish()
