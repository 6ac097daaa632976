#!/usr/bin/python3
"""STZs in athermal quasistatic shear: observers with `at_end yes` sample the
settled state of every AQS increment, so a d2min observer with `reference
window` gives each increment's non-affine motion and its STZ clusters.

The 500-atom Cu64Zr36 glass sheared xy in 30 increments of 0.002 (CG to
1e-8 eV/A), avalanches above 0.02 GPa, with
`d2min w cutoff 5 A reference window stz above 0.5 ...` and a dump of the
unwrapped positions at the end of every minimisation; a checkpoint every
10 increments. Checks:
- the observer's table has one row per increment (and the start), at the
  AQS table's steps;
- each increment's D2min of every atom equals the independent NumPy
  implementation (d2common) between the dumped settled states of it and
  the increment before (the cell: the applied shear), to 1e-8, for the
  first two increments and the two with the largest stress drop;
- every avalanche increment has an STZ cluster; increments whose largest
  non-affine displacement (the AQS table's) is below 0.1 A have none;
- restarted from the checkpoint after increment 20 (before the avalanche at
  29), the d2min, cluster and event tables are byte-identical.
"""
import os
import shutil
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "d2min"))
import aqscommon as ac  # noqa: E402
import d2common as dc  # noqa: E402

mt = ac.mt
C = mt.Checks()
STEP, N = 0.002, 30
DECK = f"""restart ck/run optional
units metal
read_data {mt.DATA}/cuzr-glass.data
potential eam/fs CuZr_mm.eam.fs Cu Zr
change_box all triclinic
d2min w cutoff 5 A reference window file w stz above 0.5 connect 3.8 A min_size 3
dump d every 1000000000 file d.dump columns id xu yu zu w_d2min w_stz precision 17
checkpoint file ck/run keep 0
aqs strain xy step {STEP} to {STEP * N} ftol 1e-8 drop 0.02 GPa moved 0.5 A file g every 10
"""
FILES = ("w.csv", "w_clusters.csv", "w_events.csv")


def frame_as_data(fr, ref, strain):
    """A dumped settled state as d2common's data dict: the cell is the
    reference glass's with the applied xy shear."""
    d = dict(ref)
    d["x"] = np.stack([fr["xu"], fr["yu"], fr["zu"]], axis=1)
    d["image"] = np.zeros_like(d["x"])
    d["tilt"] = np.array([strain * (ref["hi"][1] - ref["lo"][1]), 0.0, 0.0])
    d["id"] = fr["id"].astype(int)
    return d


def main():
    with tempfile.TemporaryDirectory() as wd:
        A = os.path.join(wd, "A")
        mt.run_mgmd(DECK, A)
        g = ac.read_table(os.path.join(A, "g_aqs.csv"))
        w = mt.read_thermo(os.path.join(A, "w.csv"))
        C.check(len(w["step"]) == N + 1 and np.array_equal(w["step"], g["step"]),
                f"d2min table: {len(w['step'])} rows at the AQS table's steps (the start and {N} increments)")

        frames = {int(fr["step"]): fr for fr in mt.read_dump(os.path.join(A, "d.dump"))}
        ref0 = mt.read_data(os.path.join(mt.DATA, "cuzr-glass.data"))
        av = []
        if os.path.exists(os.path.join(A, "g_avalanches.csv")):
            rows = open(os.path.join(A, "g_avalanches.csv")).read().split("\n")[1:]
            av = [int(r.split(",")[0]) for r in rows if r]
        drops = -np.diff(g["sxy"])
        pick = sorted(set([1, 2] + [int(k) + 1 for k in np.argsort(drops)[-2:]]))
        worst = 0.0
        for k in pick:
            a = frame_as_data(frames[int(g["step"][k - 1])], ref0, (k - 1) * STEP)
            b = frame_as_data(frames[int(g["step"][k])], ref0, k * STEP)
            want = dc.d2min_numpy(a, b, 5.0)
            got = frames[int(g["step"][k])]["w_d2min"]
            worst = max(worst, np.max(np.abs(got - want["d2min"]) / np.maximum(1.0, want["d2min"])))
        C.check(worst <= 1e-8, f"increments {pick}: every atom's D2min against the increment before as NumPy's "
                f"to {worst:.1e} (<= 1e-8)")
        clusters = w["clusters"]
        quiet = g["nonaffine_max"] < 0.1
        C.check(len(av) >= 1 and all(clusters[k] >= 1 for k in av) and not np.any(clusters[quiet] > 0),
                f"STZ clusters at all {len(av)} avalanche increments {av}, none at the {int(quiet.sum())} increments "
                "whose non-affine displacement stays below 0.1 A")

        for k in (20,):
            B = os.path.join(wd, f"B{k}")
            shutil.copytree(A, B)
            ck = sorted((n for n in os.listdir(os.path.join(B, "ck")) if n.endswith(".h5")), reverse=True)
            chosen = None
            for n in ck:
                p = mt.run_mgmd(DECK, B, args=("-restart", "ck/" + n), check=False)
                if f"resuming after increment {k}" in p.stdout:
                    chosen = n
                    break
            bad = [f for f in FILES if open(os.path.join(A, f), "rb").read() != open(os.path.join(B, f), "rb").read()]
            C.check(chosen is not None and not bad, f"restart after increment {k} ({chosen}): d2min, cluster and "
                    f"event tables byte-identical{' (differ: ' + ', '.join(bad) + ')' if bad else ''}")
    C.finish()


if __name__ == "__main__":
    main()
