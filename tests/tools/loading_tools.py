#!/usr/bin/python3
"""The loading study's tools (label tools): tools/plot-stress-strain,
tools/htc-study --table-only and tools/plot-htc on files laid out as mgmd
writes them.

- plot-stress-strain draws a two-stage stress_strain table with its summary
  (yield and maximum markers) into a valid PNG, and refuses a file that is
  not such a table (exit 2).
- htc-study --table-only collects the per-run result files of two glasses x
  five treatments (htc-result.txt, htc-hold.csv, vor_summary.csv,
  elastic_moduli.csv, shear_summary.csv, with made-up numbers) into
  htc-runs.csv and htc-table.csv; every mean and standard error of the
  table equals NumPy's on the same numbers (1e-5 relative: the table
  prints 6 significant digits), the 300 K density is the mean of the second
  half of the hold, and a run with a missing file is reported and left out.
- plot-htc draws the table into a valid PNG.
"""
import csv
import os
import random
import subprocess
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import mgmdtest as mt  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
check = mt.Checks()
TREAT = ["as-quenched", "anneal-0.70Tg", "anneal-0.80Tg", "anneal-0.98Tg", "cryo-cycled"]


def tool(name, *args, cwd=None):
    return subprocess.run([os.path.join(ROOT, "tools", name), *args], cwd=cwd, capture_output=True, text=True)


with tempfile.TemporaryDirectory() as wd:
    # A stress_strain table with two stages and its summary.
    tab = os.path.join(wd, "curve", "shear.csv")
    os.makedirs(os.path.dirname(tab))
    with open(tab, "w") as f:
        f.write("stage,step,time[ps],gamma_xy[1],sxx[GPa],syy[GPa],szz[GPa],sxy[GPa],sxz[GPa],syz[GPa],svm[GPa],"
                "press[GPa],pe[eV/atom],temp[K]\n")
        for st in (1, 2):
            for k in range(50):
                g = 0.002 * k
                s = min(30 * g, 1.2)
                f.write(f"{st},{k},{k * 0.1},{g},0,0,0,{s},0,0,{abs(s) * 3 ** 0.5},0,-4.3,300\n")
    with open(os.path.join(wd, "curve", "shear_summary.csv"), "w") as f:
        f.write("stage,direction,yield_strain[1],yield_stress[GPa],max_strain[1],max_stress[GPa]\n"
                "1,1,0.042,1.2,0.05,1.2\n2,1,nan,nan,0.05,1.2\n")
    p = tool("plot-stress-strain", tab, "--stage", "all", "-o", os.path.join(wd, "ss.png"))
    check(p.returncode == 0 and mt.is_png(os.path.join(wd, "ss.png")),
          f"plot-stress-strain draws a two-stage table with its yield markers ({p.stdout.strip()}{p.stderr.strip()})")
    bad = os.path.join(wd, "thermo.csv")
    with open(bad, "w") as f:
        f.write("step,temp[K]\n0,300\n")
    p = tool("plot-stress-strain", bad)
    check(p.returncode == 2 and "not a stress_strain table" in p.stderr, "plot-stress-strain refuses a thermo file")

    # Two glasses x five treatments of made-up results.
    rng = random.Random(5)
    truth = {}
    for g in ("g1", "g2"):
        for t in TREAT:
            d = os.path.join(wd, "htc", g, t)
            os.makedirs(d)
            # As htc-result.txt prints them (6 and 5 decimals).
            r = {"e_is": round(-4.4 + rng.random() * 0.01, 6), "rho_is": round(7.5 + rng.random() * 0.01, 5),
                 "ico_cu": 0.2 + rng.random() * 0.05, "g_hill": 28 + rng.random(), "g_shear": 25 + rng.random(),
                 "yield": 1.0 + rng.random() * 0.2, "max": 1.5 + rng.random() * 0.2, "flow": 1.1 + rng.random() * 0.1}
            dens = [7.3 + 0.01 * rng.random() for _ in range(21)]
            r["rho_300"] = float(np.mean(dens[10:]))
            truth[(g, t)] = r
            if (g, t) == ("g2", "cryo-cycled"):
                continue  # a run that did not finish: no result files
            with open(os.path.join(d, "htc-result.txt"), "w") as f:
                f.write(f"htc: inherent-structure energy {r['e_is']:.6f} eV/atom, density {r['rho_is']:.5f} g/cm^3\n")
            with open(os.path.join(d, "htc-hold.csv"), "w") as f:
                f.write("step,temp[K],pe[eV],density[g/cm^3],vol[A^3]\n")
                for k, x in enumerate(dens):
                    f.write(f"{k * 100},300,-3800,{x!r},12000\n")
            with open(os.path.join(d, "vor_summary.csv"), "w") as f:
                f.write(f"step,ico_all,ico_Cu,ico_Zr\n0,0.1,{r['ico_cu']!r},0.01\n")
            with open(os.path.join(d, "elastic_moduli.csv"), "w") as f:
                f.write(f"average,B[GPa],G[GPa],E[GPa],nu\nvoigt,140,{r['g_hill'] + 1},80,0.4\n"
                        f"reuss,140,{r['g_hill'] - 1},78,0.4\nhill,140,{r['g_hill']!r},79,0.4\n")
            with open(os.path.join(d, "shear_summary.csv"), "w") as f:
                f.write("stage,modulus[GPa],yield_stress[GPa],max_stress[GPa],flow_stress[GPa]\n"
                        f"1,{r['g_shear']!r},{r['yield']!r},{r['max']!r},{r['flow']!r}\n")
    p = tool("htc-study", "g1", "g2", "--tg", "700", "--out", "htc", "--table-only", cwd=wd)
    check(p.returncode == 0 and "g2/cryo-cycled: no results" in p.stderr,
          f"htc-study --table-only collects the runs and reports the unfinished one ({p.stderr.strip()[:200]})")
    with open(os.path.join(wd, "htc", "htc-table.csv")) as f:
        rows = {r["treatment"]: r for r in csv.DictReader(f)}
    worst, nbad = 0.0, 0
    for t in TREAT:
        have = [truth[(g, t)] for g in ("g1", "g2") if (g, t) != ("g2", "cryo-cycled")]
        nbad += int(rows[t]["n"]) != len(have)
        for k in have[0]:
            x = np.array([h[k] for h in have])
            m = x.mean()
            worst = max(worst, abs(float(rows[t][k]) - m) / abs(m))
            if len(x) > 1:
                se = x.std(ddof=1) / np.sqrt(len(x))
                worst = max(worst, abs(float(rows[t][k + "_se"]) - se) / max(se, 1e-12))
            else:
                nbad += rows[t][k + "_se"] != "nan"
    check(worst < 1e-5 and nbad == 0, f"htc-table.csv: means and standard errors = NumPy's (worst relative "
          f"{worst:.1e}; counts and the single-run SE nan: {nbad} wrong)")
    p = tool("plot-htc", os.path.join(wd, "htc", "htc-table.csv"), "-o", os.path.join(wd, "htc.png"))
    check(p.returncode == 0 and mt.is_png(os.path.join(wd, "htc.png")),
          f"plot-htc draws the table ({p.stdout.strip()}{p.stderr.strip()})")
check.finish()
