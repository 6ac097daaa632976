#!/usr/bin/python3
"""Named schedules drive the thermostat exactly as the protocol commands do.

The same protocol written two ways must give the same dynamics bit for
bit: the thermo columns (all but time, whose rounding depends on how the
run is split into stages) at every common step, and the final positions
and velocities. Neighbour lists are rebuilt at every step so that a stage
boundary (which rebuilds) changes nothing; then the only possible
difference is the sequence of targets, which is the thing under test.

1. `cycle 2 between 1300 K and 1500 K rate 2000 K/ps hold 0.04 ps` (eight
   stages) against `schedule c cycle 2 between ... hold 0.04 ps` followed
   by `ensemble nvt temp schedule c` and one `run` of its length.
2. `quench from 1500 K to 1200 K rate 2e15 K/s` against `schedule q ramp
   1500 K to 1200 K rate 2 K/fs` (the same rate in other units) and a run.
3. LAMMPS' per-run ramp `ensemble nvt temp 1500 K 1300 K` with `run 120`
   against `schedule r ramp 1500 K to 1300 K over 0.24 ps` and `run 120`.
4. A schedule started in one run carries on in the next: `run 60` then
   `run 60` follows the same targets as one `run 120` (case 3's schedule),
   while the per-run ramp restarts at every run (so it differs).
On 1 and 3 ranks. Cu64Zr36 liquid, 500 atoms, 2 fs steps."""
import os
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import mgmdtest as mt  # noqa: E402

HEAD = f"""units metal
timestep 2 fs
read_data {mt.DATA}/cuzr-liquid.data
potential eam/fs CuZr_mm.eam.fs Cu Zr
neighbor skin 1.0 A every 1 delay 0 check no
thermo every 10 file t.csv
"""
TAIL = "write_data out.data\n"
CASES = [
    ("cycle", "ensemble nvt temp 1500 K tdamp 0.1 ps\ncycle 2 between 1300 K and 1500 K rate 2000 K/ps hold 0.04 ps\n",
     "schedule c cycle 2 between 1300 K and 1500 K rate 2000 K/ps hold 0.04 ps\n"
     "ensemble nvt temp schedule c tdamp 0.1 ps\nrun 280\n", True),
    ("quench", "ensemble nvt temp 1500 K tdamp 0.1 ps\nquench from 1500 K to 1200 K rate 2e15 K/s\n",
     "schedule q ramp 1500 K to 1200 K rate 2 K/fs\nensemble nvt temp schedule q tdamp 0.1 ps\nrun 75\n", True),
    ("per-run ramp", "ensemble nvt temp 1500 K 1300 K tdamp 0.1 ps\nrun 120\n",
     "schedule r ramp 1500 K to 1300 K over 0.24 ps\nensemble nvt temp schedule r tdamp 0.1 ps\nrun 120\n", True),
    ("across runs", "schedule r ramp 1500 K to 1300 K over 0.24 ps\nensemble nvt temp schedule r tdamp 0.1 ps\nrun 120\n",
     "schedule r ramp 1500 K to 1300 K over 0.24 ps\nensemble nvt temp schedule r tdamp 0.1 ps\nrun 60\nrun 60\n", True),
    ("per-run ramp restarts", "ensemble nvt temp 1500 K 1300 K tdamp 0.1 ps\nrun 120\n",
     "ensemble nvt temp 1500 K 1300 K tdamp 0.1 ps\nrun 60\nrun 60\n", False),
]
check = mt.Checks()


def rows(path):
    """step -> thermo row without the time column (as text)."""
    out = {}
    with open(path) as f:
        next(f)
        for line in f:
            w = line.strip().split(",")
            out[int(w[0])] = ",".join(w[2:])
    return out


with tempfile.TemporaryDirectory() as wd:
    for nranks in (1, 3):
        for name, a, b, same in CASES:
            res = []
            for k, body in enumerate((a, b)):
                run = os.path.join(wd, f"{name}-{nranks}-{k}")
                mt.run_mgmd(HEAD + body + TAIL, run, np_=nranks)
                res.append((rows(os.path.join(run, "t.csv")), mt.read_data(os.path.join(run, "out.data"))))
            (ta, da), (tb, db) = res
            common = sorted(set(ta) & set(tb))
            rows_same = all(ta[s] == tb[s] for s in common)
            state_same = np.array_equal(da["x"], db["x"]) and np.array_equal(da["v"], db["v"])
            if same:
                check(len(common) > 5 and rows_same and state_same,
                      f"np{nranks} {name}: {len(common)} common thermo steps identical, final state bitwise")
            else:
                check(not state_same, f"np{nranks} {name}: two runs of a per-run ramp differ from one (as in LAMMPS)")
check.finish()
