#!/usr/bin/python3
"""The stress_strain tables on 1 and 3 ranks.

The glass under fix deform xy erate 0.1/ps with a Nose-Hoover thermostat
at 300 K, two runs of 150 steps (two stages, `stages runs`; shear to 0.06),
sampled every 5 steps, and a second observer on the same run analysing von Mises stress
in `stages manual` (one stage, ended by `end_stage`). Strain columns come
from the box and must be identical. The other numbers are reductions over
atoms, summed in another order on 3 ranks: they agree to round-off (about
1e-16 relative per sum), grown by the trajectory's divergence: measured
2e-15 at step 0 growing to 8e-14 by step 300 (and 2e-13 by step 600, which
is why the runs are short); 1e-12 relative to each column's
largest magnitude is required (a stress component near zero carries the
round-off of its column's scale, not of its own size). The summaries are
functions of the printed table: 1e-9 relative (the fit, interpolation and
block means can amplify a 1e-12 change by at most the data's condition,
~1e3 here). Runtime about 5 s (300 steps of 500 atoms, twice).
"""
import os

import numpy as np

import stress_strain_common as sc

mt = sc.mt
check = mt.Checks()

DECK = sc.GLASS_HEAD + """ensemble nvt temp 300 K tdamp 0.1 ps
stress_strain r strain xy every 5 file r fit 0.02 flow 0.03 0.06
stress_strain v strain xy stress vm every 5 file v fit 0.02 flow 0.03 0.06 stages manual
deform d xy erate 0.1 1/ps
run 150
run 150
stress_strain v end_stage
"""


def table(path):
    header, rows = sc.read_csv(path)
    return header, np.array([[float(r[h]) for h in header] for r in rows])


def main():
    wd = sc.workdir("ranks")
    for n in (1, 3):
        mt.run_mgmd(DECK, os.path.join(wd, "np%d" % n), np_=None if n == 1 else n)
    for prefix in ("r", "v"):
        h1, t1 = table(os.path.join(wd, "np1", prefix + ".csv"))
        h3, t3 = table(os.path.join(wd, "np3", prefix + ".csv"))
        ok = h1 == h3 and t1.shape == t3.shape and t1.shape[0] > 50
        check(ok, f"{prefix}.csv: same header and {t1.shape[0]} rows on 1 and 3 ranks")
        if not ok:
            continue
        exact = [h1.index(c) for c in ("stage", "step", "time[ps]", "gamma_xy[1]")]
        check(all((t1[:, k] == t3[:, k]).all() for k in exact), f"{prefix}.csv: stage, step, time, strain identical")
        scale = np.abs(t1).max(axis=0)
        scale[scale == 0] = 1.0
        err = (np.abs(t1 - t3) / scale).max(axis=0)
        worst = int(np.argmax(err))
        check(err.max() < 1e-12, f"{prefix}.csv: every column within 1e-12 of its scale (worst {h1[worst]} "
              f"{err[worst]:.1e})")
        _, s1 = sc.read_csv(os.path.join(wd, "np1", prefix + "_summary.csv"))
        _, s3 = sc.read_csv(os.path.join(wd, "np3", prefix + "_summary.csv"))
        bad = []
        for a, b in zip(s1, s3):
            for k in a:
                va, vb = a[k], b[k]
                try:
                    if not sc.same(float(va), float(vb), 1e-9):
                        bad.append((k, va, vb))
                except ValueError:
                    if va != vb:
                        bad.append((k, va, vb))
        check(len(s1) == len(s3) == (2 if prefix == "r" else 1) and not bad,
              f"{prefix}_summary.csv: {len(s1)} row(s), every value within 1e-9 on 1 and 3 ranks" +
              (f": {bad[:4]}" if bad else ""))
    check.finish()


if __name__ == "__main__":
    main()
