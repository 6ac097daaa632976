#!/usr/bin/python3
"""A restart mid-stage continues the stress_strain tables byte for byte.

Two decks on the 500-atom glass, each run straight through (writing
periodic checkpoints), then again from a checkpoint in the middle, in a
copy of the folder that still holds the straight run's longer files (as a
job killed after the checkpoint leaves them):

1. `stages manual`, a deck loop of change_box xy + run 10 (10 passes,
   `end_stage`, 6 passes back, `end_stage`), checkpoints every 20 steps;
   restarts from a checkpoint inside stage 1 (before any summary row) and
   from one inside stage 2 (after stage 1's summary row): the replay
   re-creates the observer, the checkpoint restores its reference box,
   stage number and samples so far, and the files are cut back to their
   length at the checkpoint.
2. `stages runs` under fix deform xy (one run of 400 steps), checkpoints
   every 100 steps; restart from the middle one.

No tolerance: a restart on the same rank count continues the trajectory
bitwise (docs/checkpoints.md), so PREFIX.csv and PREFIX_summary.csv must be
identical bytes. Runtime about 10 s.
"""
import os
import re
import shutil

import h5py

import stress_strain_common as sc

mt = sc.mt
check = mt.Checks()

LOOP = sc.GLASS_HEAD + """ensemble nvt temp 300 K tdamp 0.1 ps
checkpoint every 20 file ck/c keep 50
stress_strain ss strain xy every 5 file ss fit 0.02 flow 0.04 0.1 stages manual
""" + sc.TWO_STAGE_LOOP

DEFORM = sc.GLASS_HEAD + """ensemble nvt temp 300 K tdamp 0.1 ps
checkpoint every 100 file ck/c keep 50
stress_strain sd strain xy every 10 file sd fit 0.02 flow 0.03 0.08
deform d xy erate 0.1 1/ps
run 400
"""


def ck_steps(wd):
    d = os.path.join(wd, "ck")
    out = []
    for n in sorted(os.listdir(d)):
        if n.endswith(".h5"):
            with h5py.File(os.path.join(d, n), "r") as f:
                out.append((int(f["state"].attrs["step"]), n))
    return out


def files(wd, prefix):
    return [open(os.path.join(wd, prefix + ext), "rb").read() for ext in (".csv", "_summary.csv")]


def restart_from(straight, name, deck, ckname, prefix, label):
    again = os.path.join(os.path.dirname(straight), name)
    shutil.rmtree(again, ignore_errors=True)
    shutil.copytree(straight, again)
    p = mt.run_mgmd(deck, again, args=("-restart", "ck/" + ckname))
    m = re.search(r"state of step (\d+)", p.stdout)
    a, b = files(straight, prefix), files(again, prefix)
    rows = [x.count(b"\n") - 1 for x in a]
    check(m is not None and a == b, f"{label}: restart from {ckname} (step {m.group(1) if m else '?'}): "
          f"{prefix}.csv ({rows[0]} rows) and {prefix}_summary.csv ({rows[1]} rows) byte-identical to the straight "
          "run's")


def main():
    wd = sc.workdir("restart")
    straight = os.path.join(wd, "loop")
    shutil.rmtree(straight, ignore_errors=True)
    mt.run_mgmd(LOOP, straight)
    steps = ck_steps(straight)
    in1 = [c for c in steps if 20 <= c[0] < 100]
    in2 = [c for c in steps if 110 < c[0] < 160]
    check(in1 and in2, f"loop: checkpoints inside stage 1 (steps 0-100) and stage 2 (110-160): "
          f"{[c[0] for c in steps]}")
    if in1:
        restart_from(straight, "loop-again1", LOOP, in1[len(in1) // 2][1], "ss", "manual stages, inside stage 1")
    if in2:
        restart_from(straight, "loop-again2", LOOP, in2[0][1], "ss", "manual stages, inside stage 2")

    straight = os.path.join(wd, "deform")
    shutil.rmtree(straight, ignore_errors=True)
    mt.run_mgmd(DEFORM, straight)
    steps = ck_steps(straight)
    mid = [c for c in steps if 0 < c[0] < 400]
    check(len(mid) >= 2, f"deform: checkpoints inside the run at steps {[c[0] for c in mid]}")
    if mid:
        restart_from(straight, "deform-again", DEFORM, mid[len(mid) // 2][1], "sd", "runs stages under deform")
    check.finish()


if __name__ == "__main__":
    main()
