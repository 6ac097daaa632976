#!/usr/bin/python3
"""A profile in MD on 1 and 3 ranks, and restarts mid-window.

The wire: a random Cu64Zr36 fcc solid solution (6 x 6 x 8 cells of 4.065 A)
cut to a cylinder of radius 10.5 A along z, periodic along z with 8 A of
vacuum around it, 300 K, NVE, 60 steps of 2 fs. Profile `p` (radial, auto
centre, 0.5 A bins, stress with the shell volume) samples every 5 steps in
windows of 4 samples (tables at steps 15, 35 and 55; the sample at 60 is
left over); profile `s` (normal x, to exercise the slab path on several
ranks) in windows of 3.

  - 1 and 3 ranks (processors 3 1 1 and 1 1 3): the same rows, the counts
    identical, every other column within 1e-12 of its scale (round-off of
    the MD and of the sums; the centre is summed exactly, so bins never
    differ), the fits within 1e-10 (Levenberg-Marquardt stops at a 1e-12
    relative step);
  - per bin, the standard errors are finite (4 samples of an MD run);
  - restarts from a checkpoint inside a window (a run killed there, its
    later checkpoints gone) on 1 and 3 ranks: both tables byte for byte the
    uninterrupted run's.
About 8 s."""
import os
import shutil

import numpy as np

import pcommon as pc
from pcommon import check

mt = pc.mt


def deck(grid):
    return f"""units metal
timestep 2 fs
processors {grid}
create_alloy Cu64Zr36 lattice fcc 4.065 A cells 6 6 8 seed 7
region outside cylinder z 12.195 12.195 10.5 INF INF side out
delete_atoms region outside
change_box all x final -8 32.39 y final -8 32.39
potential eam/fs {pc.POT} Cu Zr
velocity create 300 K seed 3
ensemble nve
profile p radial z bin 0.5 file prof every 5 window 4 samples stress yes
profile s normal x bin 1 file slab every 5 window 3
checkpoint every 20 file ck/run keep 0
run 60
"""


def ckpt_step(path):
    import h5py
    with h5py.File(path, "r") as f:
        return int(f["state"].attrs["step"])


def read_bytes(path):
    with open(path, "rb") as f:
        return f.read()


def main():
    runs = {}
    for np_, grid in ((None, "1 1 1"), (3, "1 1 3")):
        wd = pc.workdir("np%d" % (np_ or 1))
        mt.run_mgmd(deck(grid), wd, np_=np_)
        runs[np_ or 1] = wd
    # 3 ranks along x too (the slab's normal, the wire's cross-section).
    wd = pc.workdir("np3x")
    mt.run_mgmd(deck("3 1 1"), wd, np_=3)
    runs["3x"] = wd

    for name, fits_rel in (("prof", 1e-10), ("slab", 1e-10)):
        h1, t1 = pc.read_csv(os.path.join(runs[1], name + ".csv"))
        f1h, f1 = pc.read_csv(os.path.join(runs[1], name + "_fits.csv"))
        if name == "prof":
            nwin = len(f1["window"])
            se = t1["density_se[1/A^3]"][t1["atoms[1]"] > 0]
            check(nwin == 3 and np.all(np.isfinite(se)) and np.all(t1["samples"] == 4),
                  "prof: %d windows of 4 samples, standard errors finite where atoms are" % nwin)
        for other in (3, "3x"):
            h3, t3 = pc.read_csv(os.path.join(runs[other], name + ".csv"))
            f3h, f3 = pc.read_csv(os.path.join(runs[other], name + "_fits.csv"))
            same = h1 == h3 and f1h == f3h and len(t1["window"]) == len(t3["window"])
            bad = [c for c in h1 if same and not pc.close(t1[c], t3[c], 0 if c.startswith("atoms[") else 1e-12)]
            badf = [c for c in f1h if same and not pc.close(f1[c], f3[c], fits_rel)]
            check(same and not bad and not badf,
                  "%s: 1 and 3 ranks (%s): %d rows, table columns within 1e-12 (counts exact), fits within %g%s"
                  % (name, "along z" if other == 3 else "along x", len(t1["window"]), fits_rel,
                     "" if same else ": different shapes" if not bad + badf else ": differ in %s" % (bad + badf)))

    for key, np_, grid in ((1, None, "1 1 1"), (3, 3, "1 1 3")):
        straight = runs[key]
        cks = sorted(c for c in os.listdir(os.path.join(straight, "ck")) if c.endswith(".h5"))
        steps = {c: ckpt_step(os.path.join(straight, "ck", c)) for c in cks}
        mid = [c for c in cks if 0 < steps[c] < 55 and steps[c] % 20 < 15]
        if not mid:
            check(False, "np %d: no checkpoint inside a window (%s)" % (key, steps))
            continue
        again = straight + "-again"
        shutil.rmtree(again, ignore_errors=True)
        shutil.copytree(straight, again)
        for c in cks:
            if c > mid[0]:
                os.remove(os.path.join(again, "ck", c))
        mt.run_mgmd(deck(grid), again, np_=np_, args=("-restart", "ck/" + mid[0]))
        for fn in ("prof.csv", "prof_fits.csv", "slab.csv", "slab_fits.csv"):
            check(read_bytes(os.path.join(again, fn)) == read_bytes(os.path.join(straight, fn)),
                  "np %d: restart from step %d (%d samples of the window in): %s byte-identical"
                  % (key, steps[mid[0]], (steps[mid[0]] % 20) // 5 + 1, fn))
    pc.finish()


main()
