#!/usr/bin/python3
"""tools/dma-study's tables (--table-only) and tools/plot-dma on them.

Synthetic spectrum tables in the `dma` observer's schema stand for the
runs: a temperature sweep of three glasses (random moduli, errors and
settled flags; one glass's table a row short, as a run killed before its
last pass), a period sweep of two glasses at 900 K, and 200,000 samples of
Ornstein-Uhlenbeck shear stresses (a Maxwell fluid, as dma-gk) for the
Green-Kubo side at 900 K. Checks:
- dma-tsweep.csv: per temperature the mean of M', M'', tan delta over the
  glasses that have the row, the SE std/sqrt(n) (n - 1 in the std), t95 =
  t(0.975, n - 1), the mean of the runs' fit SEs, settled only when every
  glass's row is, the glass count (3, and 2 for the short row): all as
  NumPy/SciPy to the printed digits;
- dma-psweep900.csv the same over the periods;
- dma-gk900.csv: the oscillatory columns are the period sweep's means and
  SEs, the Green-Kubo columns tools/gk-modulus's own output on the stress
  file (the volume the mean of its vol column, the tool's --gk-tmax and
  --gk-blocks passed on), z the difference over the combined SE;
- tools/plot-dma draws the study table beside one glass's with --labels
  and --tg, and refuses a --labels list of the wrong length (exit 2).
"""
import math
import os
import subprocess
import sys
import tempfile

import numpy as np
import scipy.stats
from scipy.signal import lfilter

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import mgmdtest as mt  # noqa: E402

C = mt.Checks()
TOOLS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools")
HEAD = ("stage,step,temp[K],period[ps],frequency[1/ps],mode,cycles,strain_amplitude[1],stress_amplitude[GPa],"
        "delta[rad],delta_se[rad],storage[GPa],storage_se[GPa],loss[GPa],loss_se[GPa],tan_delta[1],"
        "tan_delta_se[1],t95,storage_fft[GPa],loss_fft[GPa],harmonics[1],harmonics_se[1],mean_stress[GPa],"
        "drift[GPa/ps],settled")
TEMPS = [300, 500, 700, 900]
PERIODS = [5, 10, 20]


def fake_table(path, rng, temps, periods, short=False):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    rows = []
    with open(path, "w") as f:
        f.write(HEAD + "\n")
        for k, (T, P) in enumerate(zip(temps, periods)):
            if short and k == len(temps) - 1:
                break
            g1, g2 = rng.normal(25, 2), rng.normal(2, 1)
            r = {"temp": T + rng.normal(0, 3), "period": P, "storage": g1, "storage_se": rng.uniform(0.5, 2),
                 "loss": g2, "loss_se": rng.uniform(0.5, 2), "tan_delta": g2 / g1, "tan_delta_se": rng.uniform(0.01, 0.1),
                 "settled": int(rng.uniform() > 0.2)}
            rows.append(r)
            f.write(f"{k},{1000 * k},{r['temp']:.10g},{P:g},{1 / P:.10g},shear,4,0.01,0.2,0.1,0.02,{g1:.10g},"
                    f"{r['storage_se']:.10g},{g2:.10g},{r['loss_se']:.10g},{r['tan_delta']:.10g},"
                    f"{r['tan_delta_se']:.10g},3.182,{g1:.10g},{g2:.10g},0.05,0.05,0.0,0,{r['settled']}\n")
    return rows


def compare(got, tables, n_rows):
    """Largest relative difference of the aggregate from NumPy; the glass counts."""
    worst, counts = 0.0, []
    for k in range(n_rows):
        rs = [t[k] for t in tables if len(t) > k]
        n = len(rs)
        counts.append(int(float(got[k]["glasses"])))
        want = {"temp": np.mean([r["temp"] for r in rs]), "t95": scipy.stats.t.ppf(0.975, n - 1),
                "settled": float(all(r["settled"] for r in rs))}
        for q in ("storage", "loss", "tan_delta"):
            v = np.array([r[q] for r in rs])
            want[q] = v.mean()
            want[q + "_se"] = v.std(ddof=1) / math.sqrt(n)
            want[q + "_fit_se"] = np.mean([r[q + "_se"] for r in rs])
        for q, w in want.items():
            worst = max(worst, abs(float(got[k][q]) - w) / max(abs(w), 1e-3))
    return worst, counts


def main():
    rng = np.random.default_rng(11)
    with tempfile.TemporaryDirectory() as wd:
        out = os.path.join(wd, "study")
        tab = {g: fake_table(os.path.join(out, "tsweep", g, "dma.csv"), rng, TEMPS, [20] * len(TEMPS), short=(g == "b"))
               for g in ("a", "b", "c")}
        ptab = {g: fake_table(os.path.join(out, "psweep900", g, "dma.csv"), rng, [900] * 3, PERIODS) for g in ("a", "b")}
        # The Green-Kubo side: a Maxwell fluid's stresses (bar) and a volume column.
        n, dt, tau, V, T = 200000, 0.01, 0.5, 12000.0, 900.0
        s2 = 20.0 / 160.21766 * 8.617343e-5 * T / V
        phi = math.exp(-dt / tau)
        e = rng.normal(0, math.sqrt(s2 * (1 - phi * phi)), (n, 3))
        x = lfilter([1.0], [1.0, -phi], e, axis=0) * 1.6021765e6
        os.makedirs(os.path.join(out, "gk900", "a"))
        stress = os.path.join(out, "gk900", "a", "gk-stress.csv")
        vols = V + rng.normal(0, 1, n)
        with open(stress, "w") as f:
            f.write("step,time[ps],pxy[bar],pxz[bar],pyz[bar],vol[A^3]\n")
            for k in range(n):
                f.write(f"{k},{k * dt:.10g},{x[k, 0]:.10g},{x[k, 1]:.10g},{x[k, 2]:.10g},{vols[k]:.10g}\n")
        glasses = [os.path.join(wd, g) for g in ("a", "b", "c")]
        p = subprocess.run(["/usr/bin/python3", os.path.join(TOOLS, "dma-study"), *glasses, "--out", out,
                            "--table-only", "--temps", " ".join(map(str, TEMPS)), "--psweep",
                            "900:" + ",".join(map(str, PERIODS)), "--psweep-glasses", "2", "--gk", "900",
                            "--gk-tmax", "4", "--gk-blocks", "8"], capture_output=True, text=True)
        C.check(p.returncode == 0, f"dma-study --table-only: exit {p.returncode} {p.stderr[-300:]}")
        got = mt.read_rows(os.path.join(out, "dma-tsweep.csv"))
        worst, counts = compare(got, list(tab.values()), len(TEMPS))
        C.check(len(got) == len(TEMPS) and worst < 1e-5 and counts == [3, 3, 3, 2],
                f"dma-tsweep.csv: means, SEs, t95, fit SEs, settled as NumPy/SciPy to {worst:.1e}; glasses {counts} "
                f"(the short table's last row missing: 2)")
        pgot = mt.read_rows(os.path.join(out, "dma-psweep900.csv"))
        pworst, pcounts = compare(pgot, list(ptab.values()), len(PERIODS))
        C.check(len(pgot) == len(PERIODS) and pworst < 1e-5 and pcounts == [2, 2, 2] and
                [float(r["period"]) for r in pgot] == PERIODS,
                f"dma-psweep900.csv: the period sweep's means over 2 glasses to {pworst:.1e}")

        vol = np.mean([float(r["vol"]) for r in mt.read_rows(stress)[::100]])  # as dma-study takes it
        gk = subprocess.run(["/usr/bin/python3", os.path.join(TOOLS, "gk-modulus"), stress, "--volume", f"{vol:.8g}",
                             "--temp", "900", "--periods", ",".join(f"{q:g}" for q in PERIODS), "--tmax", "4",
                             "--blocks", "8", "--geq", "0"], capture_output=True, text=True, check=True).stdout
        want = {float(l.split(",")[0]): [float(v) for v in l.split(",")[2:]] for l in gk.splitlines() if l[:1].isdigit()}
        rows = mt.read_rows(os.path.join(out, "dma-gk900.csv"))
        worst = 0.0
        for r, pr in zip(rows, pgot):
            w = want[float(r["period"])]
            gotv = [float(r[q]) for q in ("loss_gk", "loss_gk_se", "storage_gk", "storage_gk_se", "loss_osc",
                                          "loss_osc_se", "storage_osc", "storage_osc_se")]
            ref = w + [float(pr[q]) for q in ("loss", "loss_se", "storage", "storage_se")]
            worst = max([worst] + [abs(a - b) / max(abs(b), 1e-3) for a, b in zip(gotv, ref)])
            z = (float(pr["loss"]) - w[0]) / math.hypot(float(pr["loss_se"]), w[1])
            worst = max(worst, abs(float(r["z_loss"]) - z) / max(abs(z), 1e-3))
        C.check(len(rows) == len(PERIODS) and worst < 1e-4,
                f"dma-gk900.csv: Green-Kubo columns as tools/gk-modulus's output, oscillatory columns as the period "
                f"sweep's, z as computed: to {worst:.1e}")

        png = os.path.join(wd, "spectra.png")
        pp = subprocess.run(["/usr/bin/python3", os.path.join(TOOLS, "plot-dma"), os.path.join(out, "dma-tsweep.csv"),
                             os.path.join(out, "tsweep", "a", "dma.csv"), "--labels", "mean,glass a", "--tg",
                             "700,700", "-o", png], capture_output=True, text=True)
        C.check(pp.returncode == 0 and mt.is_png(png) and "mean:" in pp.stdout,
                f"tools/plot-dma draws the study table beside a glass's, --labels and --tg (exit {pp.returncode})")
        bad = subprocess.run(["/usr/bin/python3", os.path.join(TOOLS, "plot-dma"), os.path.join(out, "dma-tsweep.csv"),
                              "--labels", "a,b", "-o", png], capture_output=True, text=True)
        C.check(bad.returncode == 2 and "--labels" in bad.stderr, "tools/plot-dma refuses two labels for one table")
    C.finish()


if __name__ == "__main__":
    main()
