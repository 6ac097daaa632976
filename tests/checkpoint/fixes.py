#!/usr/bin/python3
"""A restart in the middle of schedules and group fixes continues bitwise.

One deck exercises every piece of state the fix list and the groups keep:
a named schedule (a ramp, then a sine) followed by a Nose-Hoover
thermostat on one group, a Langevin-free NVE rest, a frozen group, a
setforce and a linear move on others, a dynamic group re-evaluated at each
rebuild, group thermo columns, a dump of one group and a reset_timestep
before it all. It runs straight (writing checkpoints on its way), then
again from a checkpoint taken mid-ramp (and, separately, one taken during
the sine), on 1 and on 3 ranks. The thermo CSV and the group dump must be
byte for byte those of the straight run, and the final checkpoint's
positions, velocities, image flags and group masks bitwise equal. No
tolerance: the restart rebuilds exactly the state of the checkpointed step
(docs/checkpoints.md). A second deck edits the system before its runs
(replicate, delete_atoms, displace_atoms, change_box, reset_timestep):
actions a restart skips, whose result the checkpoint holds; its dynamic
group follows a region whose EDGE was the box before change_box, which
the replay, on the checkpoint's box, must take from the checkpoint, so any difference is a bug (a fix whose state is
not checkpointed, a schedule re-anchored, a mask not restored). The deck
runs twice (100 then 140 steps) so that the later checkpoints fall in a
run after the one the schedule started in: its anchor must come from the
checkpoint, not from the run that resumes."""
import os
import shutil
import tempfile

import numpy as np

from ckcommon import Checker, atoms_by_id, checkpoints, mt, read_bytes

DECK = f"""units metal
timestep 2 fs
read_data {mt.DATA}/cuzr-liquid.data
potential eam/fs CuZr_mm.eam.fs Cu Zr
reset_timestep 1000 time 2 ps
region mid block INF INF INF INF 6 14
region ball sphere 3 3 3 3.5
region wall block INF INF INF INF 17 19
group mid region mid
group ball region ball
group wall region wall
group rest subtract all mid ball wall
group moving dynamic region mid
schedule heat ramp 1500 K to 1700 K over 0.3 ps then sine amplitude 50 K period 0.2 ps offset 1700 K
ensemble nvt temp schedule heat tdamp 0.1 ps group mid
freeze hold group ball
setforce pin NULL NULL 0 group wall
move slide linear 0.2 NULL NULL group wall
thermo every 5 file thermo.csv groups mid moving rest
dump g every 20 file mid.dump columns id x y z vx vy vz mask group moving
checkpoint every 40 file ck/run keep 20
run 100
run 140
write_checkpoint final.h5
"""
# The edits before the run are actions a restart skips (the checkpoint has
# their result): the replay must still come out where the straight run is.
EDITS = f"""units metal
timestep 2 fs
read_data {mt.DATA}/cuzr-glass.data
potential eam/fs CuZr_mm.eam.fs Cu Zr
replicate 2 1 1
region hole sphere 10 10 10 4
region low block INF INF INF INF EDGE 4
delete_atoms region hole
displace_atoms all move 0.3 0 0
change_box all z delta -5 5 boundary p p f
group lowdyn dynamic region low
reset_timestep 500
group top region hole
velocity create 600 K seed 3
ensemble langevin temp 600 K damp 0.1 ps seed 9
thermo every 5 file thermo.csv groups top lowdyn
dump g every 20 file mid.dump columns id x y z vx vy vz mask
checkpoint every 40 file ck/run keep 20
run 100
run 140
write_checkpoint final.h5
"""
FILES = ["thermo.csv", "mid.dump"]


def masks(path):
    import h5py
    with h5py.File(path, "r") as f:
        ids = f["atoms/id"][()]
        return f["atoms/mask"][()][np.argsort(ids)]


check = Checker()
for nranks, name, deck in ((1, "fixes", DECK), (3, "fixes", DECK), (1, "edits", EDITS), (3, "edits", EDITS)):
    with tempfile.TemporaryDirectory() as wd:
        straight = os.path.join(wd, "straight")
        mt.run_mgmd(deck, straight, np_=nranks)
        cks = checkpoints(straight)
        check(len(cks) >= 5, f"{name} np{nranks}: {len(cks)} periodic checkpoints written")
        ref = atoms_by_id(os.path.join(straight, "final.h5"))
        for mid in (cks[1], cks[-2]):  # during the ramp; during the sine
            again = os.path.join(wd, "again")
            shutil.rmtree(again, ignore_errors=True)
            shutil.copytree(straight, again)
            for c in checkpoints(again):
                if os.path.basename(c) > os.path.basename(mid):
                    os.unlink(c)
            os.unlink(os.path.join(again, "final.h5"))
            mt.run_mgmd(deck, again, np_=nranks, args=("-restart", "ck/" + os.path.basename(mid)))
            for fn in FILES:
                check(read_bytes(os.path.join(again, fn)) == read_bytes(os.path.join(straight, fn)),
                      f"{name} np{nranks} from {os.path.basename(mid)}: {fn} identical")
            fin = atoms_by_id(os.path.join(again, "final.h5"))
            same = all(np.array_equal(fin[k], ref[k]) for k in ("id", "x", "v", "image"))
            check(same and fin["step"] == ref["step"] == (1240 if name == "fixes" else 740),
                  f"{name} np{nranks} from {os.path.basename(mid)}: final positions, velocities, images bitwise (step "
                  f"{fin['step']})")
            check(np.array_equal(masks(os.path.join(again, "final.h5")), masks(os.path.join(straight, "final.h5"))),
                  f"{name} np{nranks} from {os.path.basename(mid)}: group masks bitwise")
        # A new deck from the checkpoint starts with no groups: a group it
        # defines (taking bit 1, the old deck's `mid`) holds only its atoms.
        if name == "fixes":
            new = os.path.join(wd, "new")
            p = mt.run_mgmd(f"read_checkpoint {os.path.join(straight, 'final.h5')}\ngroup cu type 1\n", new,
                            np_=nranks)
            check("group cu: 320 atoms" in p.stdout, f"{name} np{nranks}: read_checkpoint leaves no old group bits "
                  f"({[l for l in p.stdout.splitlines() if l.startswith('group cu')]})")
check.finish()
