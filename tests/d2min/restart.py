#!/usr/bin/python3
"""D2min across restarts: a glass sheared at 300 K with two observers (the
reference at step 0, and `reference window`) dumped every 50 steps and
checkpointed every 100; a run continued from each mid-run checkpoint
writes the same dump and tables byte for byte (the reference positions
are a per-atom property in the checkpoint, the reference cell and step in
the observer's record; the window observer's STZ clusters, events and
their per-atom event ids continue too: the open events are in the
record; so do its Eshelby map and fit, whose sums are in it). Also on 2
ranks."""
import os
import re
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import d2common as dc  # noqa: E402

mt = dc.mt
check = mt.Checks()
STEPS = 300
DECK = f"""units metal
read_data {mt.DATA}/cuzr-triclinic.data
potential eam/fs CuZr_mm.eam.fs Cu Zr
velocity create 300 K seed 3
ensemble nvt temp 300 K tdamp 0.1 ps
deform def xy erate 0.1 1/ps remap x
d2min a cutoff 5 A every 50 file a
d2min w cutoff 4.5 A reference window every 50 file w normalize count stz top 0.05 connect 3.5 A min_size 3 eshelby 6 A bins 6
dump d every 50 file d.dump columns id a_d2min a_shear a_vol a_nnb w_d2min w_shear w_stz precision 17
checkpoint every 100 file ck/c keep 10
run {STEPS}
"""


def files(d):
    return [open(os.path.join(d, n), "rb").read() for n in ("a.csv", "w.csv", "w_clusters.csv", "w_events.csv",
                                                             "w_eshelby.csv", "w_eshelby_fit.csv", "d.dump")]


def main():
    with tempfile.TemporaryDirectory() as wd:
        for np_ in (None, 2):
            one = os.path.join(wd, f"straight{np_}")
            mt.run_mgmd(DECK, one, np_=np_)
            rows = open(os.path.join(one, "a.csv")).read().split("\n")
            check(len([r for r in rows if r]) == STEPS // 50 + 2, f"a.csv: a header and {STEPS // 50 + 1} rows")
            cks = sorted(n for n in os.listdir(os.path.join(one, "ck")) if n.endswith(".h5"))
            mid = []
            for n in cks:
                again = os.path.join(wd, f"again{np_}-{n}")
                shutil.copytree(one, again)
                p = mt.run_mgmd(DECK, again, np_=np_, args=("-restart", "ck/" + n))
                m = re.search(r"state of step (\d+)", p.stdout)
                if m and 0 < int(m.group(1)) < STEPS:
                    mid.append(int(m.group(1)))
                    check(files(one) == files(again), f"{np_ or 1} rank{'s' if np_ else ''}: restart from step "
                          f"{m.group(1)}: a.csv, w.csv, w_clusters.csv, w_events.csv, w_eshelby.csv, w_eshelby_fit.csv "
                          "and the dump byte-identical to the "
                          "straight run's")
            check(len(mid) >= 1, f"{np_ or 1} rank{'s' if np_ else ''}: checkpoints inside the run at {mid}")
    check.finish()


if __name__ == "__main__":
    main()
