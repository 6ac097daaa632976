#!/usr/bin/python3
"""MD-DMA of a Cu-Zr glass (issue 16, label `long`: `ctest -L long` or
`tools/setup long`): the loss modulus rises toward Tg, and the oscillatory
G', G'' agree with the Green-Kubo G*(w) at the same frequencies. About 20
min on two cores; the runs are independent and go side by side,
MGMD_LONG_JOBS at a time (default one per core).

Glasses: two Cu64Zr36 glasses of 864 atoms made here as the study's
(docs/results/dma.md): inputs/cuzr-quench.deck -var cells 6 -var rate 2e13
-var hold 10, seeds 1 and 2 (Tg of this protocol 743 +- 70 K,
docs/results/thermal-history.md).

1. Loss toward Tg. inputs/dma.deck on each glass: shear xy of amplitude
   0.02 and period 20 ps, 1 settling and 10 measured cycles at 300, 600 and
   750 K (0.40, 0.81 and 1.01 Tg), heating. Checks: every pass settled and
   linear (harmonics under 0.1 of the fundamental); the mean G'' over the
   glasses at 600 and at 750 K above the 300 K one, and at 750 K by more
   than 2 standard errors (each temperature's SE counts the fits' errors
   and the scatter between the glasses: the glasses differ more than the
   fits say, and G''(T) is not a straight line: a first version that
   asked for a positive weighted slope failed on chi2/dof 11 with G''
   4.9 +- 0.4 GPa at 600 K in one glass and 2.4 +- 0.5 in the other); G'
   falls from 300 to 750 K (the glass softens).
   The amplitude is twice the study's 0.01 to halve the noise of a
   two-glass test (the study's table: G'' 0.5 +- 0.2 GPa at 300 K,
   2.2 +- 0.8 at 750 K at 0.01). Found (2026-12-07): G'' 0.88, 3.66,
   2.25 GPa at 300, 600, 750 K; 750 - 300 K = 1.37 +- 0.40 GPa. The
   glasses are the study's g1 and g2 bit for bit (same deck and seeds).
2. Green-Kubo. At 1200 K (a liquid: its stress autocorrelation decays in
   a few ps, so the static modulus G_eq = 0 and 200 ps of fluctuations
   give the integrals) inputs/dma-gk.deck -var T 1200 -var length 200 and
   inputs/dma.deck -var tsweep 0 -var T 1200 over periods 5, 10 and 20 ps
   (5 measured cycles at amplitude 0.04: in a liquid linearity asks the
   strain rate times the relaxation time to be small, not the strain;
   here at most 0.05 /ps x ~1.6 ps = 0.08) from glass 1; tools/gk-modulus
   (integrals to 10 ps, 8 blocks) at the same periods. Checks: for each
   period, G'' and G'
   differ by less than 3 combined standard errors, each error widened by
   its t quantile (t95 / 1.96: the oscillatory fit's 4 degrees of freedom,
   the 7 of 8 blocks), and the Green-Kubo errors are under 30 % of G'' (the
   comparison must have power).
"""
import math
import os
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import scipy.stats

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import mgmdtest as mt  # noqa: E402

ROOT = os.path.join(mt.HERE, "..")
INPUTS = os.path.join(ROOT, "inputs")
GK = os.path.join(ROOT, "tools", "gk-modulus")
SEEDS = [int(s) for s in os.environ.get("MGMD_LONG_SEEDS", "1,2").split(",")]
JOBS = int(os.environ.get("MGMD_LONG_JOBS", str(os.cpu_count() or 1)))
TEMPS = (300, 600, 750)
GK_T, GK_PERIODS, GK_CYCLES, GK_AMP = 1200, (5, 10, 20), 5, 0.04
C = mt.Checks()


def mgmd(wd, *args):
    os.makedirs(wd, exist_ok=True)
    with open(os.path.join(wd, "run.log"), "w") as f:
        p = subprocess.run([mt.mgmd_binary(), *args], cwd=wd, stdout=f, stderr=subprocess.STDOUT)
    if p.returncode:
        sys.stderr.write(open(os.path.join(wd, "run.log")).read()[-3000:])
        raise RuntimeError(f"mgmd {' '.join(args)} failed in {wd}")


def main():
    with tempfile.TemporaryDirectory() as wd:
        glass = {s: os.path.join(wd, f"g{s}", "glass.data") for s in SEEDS}
        with ThreadPoolExecutor(JOBS) as pool:
            list(pool.map(lambda s: mgmd(os.path.join(wd, f"g{s}"), "-var", "cells", "6", "-var", "rate", "2e13",
                                         "-var", "hold", "10", "-var", "seed", str(s),
                                         os.path.join(INPUTS, "cuzr-quench.deck")), SEEDS))
            deck = os.path.join(INPUTS, "dma.deck")
            jobs = [(os.path.join(wd, "gk"), "-var", "in", glass[SEEDS[0]], "-var", "T", str(GK_T), "-var", "length",
                     "200", os.path.join(INPUTS, "dma-gk.deck")),
                    (os.path.join(wd, "osc"), "-var", "in", glass[SEEDS[0]], "-var", "tsweep", "0", "-var", "T",
                     str(GK_T), "-var", "periods", " ".join(map(str, GK_PERIODS)), "-var", "cycles", str(GK_CYCLES),
                     "-var", "equil", "10", "-var", "amp", str(GK_AMP), deck)]
            jobs += [(os.path.join(wd, f"sweep{s}"), "-var", "in", glass[s], "-var", "period", "20", "-var", "cycles",
                      "10", "-var", "equil", "10", "-var", "amp", "0.02", "-var", "temps",
                      " ".join(map(str, TEMPS)), deck) for s in SEEDS]
            list(pool.map(lambda j: mgmd(*j), jobs))

        # 1. The loss toward Tg.
        rows = [r for s in SEEDS for r in mt.read_rows(os.path.join(wd, f"sweep{s}", "dma.csv"))]
        C.check(len(rows) == len(SEEDS) * len(TEMPS) and all(r["settled"] == "1" for r in rows) and
                all(float(r["harmonics"]) < 0.1 for r in rows),
                f"{len(rows)} passes, all settled, harmonics at most "
                f"{max(float(r['harmonics']) for r in rows):.3f} of the fundamental (< 0.1: linear)")
        T = np.array([float(r["temp"]) for r in rows])
        g2, e2 = np.array([float(r["loss"]) for r in rows]), np.array([float(r["loss_se"]) for r in rows])
        g1 = np.array([float(r["storage"]) for r in rows])
        # Per temperature: the mean over the glasses and a conservative SE
        # (the fit errors and the scatter between glasses, both counted).
        mean, se = {}, {}
        for t in TEMPS:
            m = np.abs(T - t) < 40
            n = m.sum()
            mean[t] = g2[m].mean()
            se[t] = math.sqrt(np.sum(e2[m] ** 2) / n ** 2 + (g2[m].var(ddof=1) / n if n > 1 else 0.0))
            print(f"  {t} K: G' {g1[m].mean():.2f} GPa, G'' {mean[t]:.2f} +- {se[t]:.2f} GPa (passes: "
                  + ", ".join(f"{x:.2f} +- {e:.2f}" for x, e in zip(g2[m], e2[m])) + ")")
        lo, hi = TEMPS[0], TEMPS[-1]
        C.check(all(mean[t] > mean[lo] for t in TEMPS[1:]),
                f"G'' above its {lo} K value at every higher temperature: "
                + ", ".join(f"{t} K {mean[t]:.2f}" for t in TEMPS) + " GPa")
        d, dse = mean[hi] - mean[lo], math.hypot(se[hi], se[lo])
        C.check(d > 2 * dse, f"G''({hi} K) - G''({lo} K) = {d:.2f} +- {dse:.2f} GPa (> 2 SE)")
        a_lo, a_hi = np.abs(T - lo) < 40, np.abs(T - hi) < 40
        C.check(g1[a_hi].mean() < g1[a_lo].mean(), f"G' falls from {g1[a_lo].mean():.2f} GPa at {lo} K to "
                f"{g1[a_hi].mean():.2f} GPa at {hi} K")

        # 2. Green-Kubo against the oscillatory moduli at 1200 K.
        osc = mt.read_rows(os.path.join(wd, "osc", "dma.csv"))
        st = mt.read_rows(os.path.join(wd, "gk", "gk-stress.csv"))
        vol = float(np.mean([float(r["vol"]) for r in st]))
        out = subprocess.run([GK, os.path.join(wd, "gk", "gk-stress.csv"), "--volume", f"{vol:.8g}", "--temp",
                              str(GK_T), "--periods", ",".join(map(str, GK_PERIODS)), "--tmax", "10", "--geq", "0"],
                             capture_output=True, text=True, check=True).stdout.splitlines()
        k = next(i for i, line in enumerate(out) if line.startswith("period,"))
        gk = {float(line.split(",")[0]): [float(x) for x in line.split(",")[2:]] for line in out[k + 1:]}
        wg = scipy.stats.t.ppf(0.975, 7) / 1.96
        C.check(len(osc) == len(GK_PERIODS), f"{len(osc)} oscillatory rows at {GK_T} K (periods {GK_PERIODS} ps)")
        for r in osc:
            p = float(r["period"])
            gl, gls, gs, gss = gk[p]
            wo = float(r["t95"]) / 1.96
            ol, ols, os_, oss = (float(r[q]) for q in ("loss", "loss_se", "storage", "storage_se"))
            zl = (ol - gl) / math.hypot(wo * ols, wg * gls)
            zs = (os_ - gs) / math.hypot(wo * oss, wg * gss)
            C.check(abs(zl) < 3 and abs(zs) < 3 and gls < 0.3 * abs(gl),
                    f"{GK_T} K, period {p:g} ps: G'' {ol:.2f} +- {ols:.2f} (oscillatory) vs {gl:.2f} +- {gls:.2f} GPa "
                    f"(Green-Kubo), z {zl:+.1f}; G' {os_:.2f} +- {oss:.2f} vs {gs:.2f} +- {gss:.2f} GPa, z {zs:+.1f}")
    C.finish()


if __name__ == "__main__":
    main()
