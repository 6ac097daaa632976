#!/usr/bin/python3
"""A restart mid-run with per-component targets is bitwise the run that
never stopped.

The triclinic fcc Cu crystal (stcommon.py, 500 atoms, 300 K) under
`xx schedule load` (a named ramp 0 -> 1 GPa over 0.4 ps that runs across
the checkpoints), `yy 0 0.1 GPa` (a per-run ramp, anchored at the run's
start), `zz 0` and `xy -0.2 GPa`; xz and yz not controlled. 200 steps,
a checkpoint every 40 (each at the next list rebuild); on 1 and 2
ranks, the run is restarted from its first checkpoint after step 60 (later
ones removed, as a killed job would have left it) and must give the straight run's thermo CSV (econserve included,
so the barostat's strain rates, chain, targets and the work A of the
non-hydrostatic targets come back exactly) and dump byte for byte, and the
final checkpoint's positions and velocities bitwise. No tolerance: a
restart rebuilds exactly the state of the checkpointed step
(docs/checkpoints.md). The same for a run whose ensemble line changes the
targets between two runs (the second run starts from the redefined
barostat, which keeps its state because the same components are
controlled). About 20 s."""
import os
import shutil
import tempfile

import numpy as np

import stcommon as sc

mt = sc.mt
check = mt.Checks()


def deck(data, body):
    return f"""units metal
timestep 2 fs
read_data {data}
potential eam/alloy {sc.POT_NAME} Cu
schedule load ramp 0 GPa to 1 GPa over 0.4 ps
thermo every 5 file thermo.csv columns {sc.COLS}
dump d every 20 file traj.dump columns id x y z vx vy vz
checkpoint every 40 file ck/run keep 20
{body}
write_checkpoint final.h5
"""


CASES = {
    "one run": "ensemble npt temp 300 K tdamp 0.1 ps xx schedule load yy 0 0.1 GPa zz 0 xy -0.2 GPa pdamp 1 ps\n"
               "run 200\n",
    "two runs": "ensemble npt temp 300 K tdamp 0.1 ps xx schedule load yy 0 zz 0 xy -0.2 GPa pdamp 1 ps\n"
                "run 60\n"
                "ensemble npt temp 300 K tdamp 0.1 ps xx schedule load yy 0.1 GPa zz 0 xy -0.3 GPa pdamp 1 ps\n"
                "run 140\n",
}


def final_atoms(path):
    import h5py
    with h5py.File(path, "r") as f:
        ids = f["atoms/id"][()]
        o = np.argsort(ids)
        return f["atoms/position"][()][o], f["atoms/velocity"][()][o], int(f["state"].attrs["step"])


def read_bytes(path):
    with open(path, "rb") as f:
        return f.read()


with tempfile.TemporaryDirectory() as wd:
    sc.prep(wd)
    tri = os.path.join(wd, "eqtri.data")
    for name, body in CASES.items():
        for nranks in (1, 2):
            text = deck(tri, body)
            straight = os.path.join(wd, f"{name.replace(' ', '-')}-np{nranks}")
            mt.run_mgmd(text, straight, np_=nranks)
            cks = sorted(c for c in os.listdir(os.path.join(straight, "ck")) if c.endswith(".h5"))
            # Checkpoints come at the first list rebuild after each 40 steps:
            # the first after step 60 (in the second run of "two runs").
            steps = {c: final_atoms(os.path.join(straight, "ck", c))[2] for c in cks}
            mid = [c for c in cks if 60 < steps[c] < 200]
            if not mid:
                check(False, f"{name} np{nranks}: no checkpoint between steps 60 and 200 ({steps})")
                continue
            again = straight + "-again"
            shutil.copytree(straight, again)
            for c in cks:
                if c > mid[0]:
                    os.remove(os.path.join(again, "ck", c))
            os.remove(os.path.join(again, "final.h5"))
            mt.run_mgmd(text, again, np_=nranks, args=("-restart", "ck/" + mid[0]))
            for fn in ("thermo.csv", "traj.dump"):
                check(read_bytes(os.path.join(again, fn)) == read_bytes(os.path.join(straight, fn)),
                      f"{name} np{nranks}: restart from step {steps[mid[0]]}: {fn} identical")
            xa, va, sa = final_atoms(os.path.join(straight, "final.h5"))
            xb, vb, sb = final_atoms(os.path.join(again, "final.h5"))
            check(sa == sb == 200 and np.array_equal(xa, xb) and np.array_equal(va, vb),
                  f"{name} np{nranks}: final positions and velocities bitwise equal (step {sb})")

check.finish()
