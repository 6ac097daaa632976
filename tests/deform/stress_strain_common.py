"""Shared by the stress_strain tests: readers of the observer's tables and
an independent NumPy implementation of the summary (docs/analysis.md,
"Stress–strain curves"), written from the documented rules, not from the C.
"""
import csv
import math
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
import mgmdtest as mt  # noqa: E402

GLASS = os.path.join(mt.DATA, "cuzr-glass.data")
# The 500-atom Cu64Zr36 glass (20 A box), made triclinic so tilts can change.
GLASS_HEAD = f"""units metal
timestep 2 fs
read_data {GLASS}
potential eam/fs CuZr_mm.eam.fs Cu Zr
change_box all triclinic
"""


def workdir(name):
    d = os.path.join(os.environ.get("MGMD_TEST_TMP", "/tmp"), "mgmd-stress-strain", name)
    os.makedirs(d, exist_ok=True)
    return d


def read_csv(path):
    """CSV -> (header, list of row dicts with the raw strings)."""
    with open(path) as f:
        r = csv.reader(f)
        header = next(r)
        rows = [dict(zip(header, row)) for row in r]
    return header, rows


def column(rows, name):
    return np.array([float(r[name]) for r in rows])


def strain_column(header):
    """The analysed strain column: the first after time[ps]."""
    return header[header.index("time[ps]") + 1]


def fnum(s):
    return float(s)  # 'nan' parses as NaN


def analyze(strain, stress, signed, fit, offset, flow_lo, flow_hi, blocks):
    """The summary of one stage, from the documented rules. Returns a dict
    keyed as the summary CSV's columns (without units)."""
    strain = np.asarray(strain, float)
    stress = np.asarray(stress, float)
    n = len(strain)
    out = {"samples": n}
    far = strain[np.argmax(np.abs(strain))]
    d = -1 if far < 0 else 1
    out["direction"] = d
    out["strain_min"], out["strain_max"] = strain.min(), strain.max()
    x = d * strain
    y = (d if signed else 1) * stress
    # Modulus: least squares y = a + E x over 0 <= x <= fit (lstsq on the
    # design matrix; SE from (X^T X)^-1 and n - 2 degrees of freedom).
    sel = (x >= 0) & (x <= fit)
    m = int(sel.sum())
    out["fit_points"] = m
    E = a = se = math.nan
    if m >= 2 and np.ptp(x[sel]) > 0:
        X = np.column_stack([np.ones(m), x[sel]])
        coef, *_ = np.linalg.lstsq(X, y[sel], rcond=None)
        a, E = coef
        if m > 2:
            res = y[sel] - X @ coef
            cov = np.linalg.inv(X.T @ X) * (res @ res) / (m - 2)
            se = math.sqrt(cov[1, 1])
    out["modulus"], out["modulus_se"], out["intercept"] = E, se, a
    # Yield: first sign change of g = y - (a + E (x - offset)) from > 0 to <= 0.
    ys = ye = sec = math.nan
    if not math.isnan(E):
        g = y - (a + E * (x - offset))
        hits = np.nonzero((g[:-1] > 0) & (g[1:] <= 0))[0]
        if len(hits):
            k = hits[0] + 1
            t = g[k - 1] / (g[k - 1] - g[k])
            ye = x[k - 1] + t * (x[k] - x[k - 1])
            ys = y[k - 1] + t * (y[k] - y[k - 1])
            sec = ys / ye if ye != 0 else math.nan
    out["yield_strain"], out["yield_stress"], out["secant_yield"] = ye, ys, sec
    k = int(np.argmax(y))  # first of equal maxima
    out["max_strain"], out["max_stress"] = x[k], y[k]
    out["secant_max"] = y[k] / x[k] if x[k] != 0 else math.nan
    # Flow: window mean; K = min(blocks, n_w) blocks, block j = samples
    # floor(j n/K) .. floor((j+1) n/K) - 1; SE = std(block means)/sqrt(K).
    fl = fse = math.nan
    nw = K = 0
    if flow_lo < flow_hi:
        w = y[(x >= flow_lo) & (x <= flow_hi)]
        nw = len(w)
        K = min(blocks, nw)
        if nw:
            fl = w.mean()
        if K >= 2:
            edges = (np.arange(K + 1) * nw) // K
            means = np.array([w[edges[j]:edges[j + 1]].mean() for j in range(K)])
            fse = means.std(ddof=1) / math.sqrt(K)
    out["flow_points"], out["flow_blocks"] = nw, K
    out["flow_stress"], out["flow_se"] = fl, fse
    return out


def same(a, b, rel, floor=0.0):
    """Equal within rel of the larger magnitude, or within floor (an
    absolute tolerance for a number near zero); NaN equals NaN only."""
    if isinstance(a, (int, np.integer)) and isinstance(b, (int, np.integer)):
        return a == b
    a, b = float(a), float(b)
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return abs(a - b) <= max(rel * max(abs(a), abs(b)), floor)


# A deck-driven loading in two manual stages: shear in ten steps of
# 0.2 A of tilt, each a short run, then back six steps (a stress_strain
# observer named ss with `stages manual` before it).
TWO_STAGE_LOOP = """for k from 1 to 10
  change_box all xy delta 0.2 remap
  run 10
end
stress_strain ss end_stage
for k from 1 to 6
  change_box all xy delta -0.2 remap
  run 10
end
stress_strain ss end_stage
"""

SUMMARY_KEYS = ["direction", "samples", "strain_min", "strain_max", "fit_points", "modulus", "modulus_se",
                "intercept", "yield_strain", "yield_stress", "secant_yield", "max_strain", "max_stress",
                "secant_max", "flow_points", "flow_blocks", "flow_stress", "flow_se"]
INT_KEYS = {"direction", "samples", "fit_points", "flow_points", "flow_blocks"}
STRAIN_KEYS = {"strain_min", "strain_max", "yield_strain", "max_strain"}
MODULUS_KEYS = {"modulus", "modulus_se", "secant_yield", "secant_max"}


def summary_values(row):
    """A summary CSV row -> dict without units (ints where they are counts)."""
    out = {}
    for h, v in row.items():
        k = h.split("[")[0]
        out[k] = int(v) if k in INT_KEYS or k in ("stage", "first_step", "last_step") else (
            v if k in ("strain", "stress") else float(v))
    return out


def recompute(table_path, summary_path, blocks=5):
    """Every summary row against analyze() of its stage's table rows.
    Returns a list of (stage, key, mine, numpy) mismatches at 1e-9 and the
    number of values compared."""
    header, rows = read_csv(table_path)
    sc = strain_column(header)
    _, srows = read_csv(summary_path)
    bad, compared = [], 0
    for srow in srows:
        s = summary_values(srow)
        mine = [r for r in rows if int(r["stage"]) == s["stage"]]
        stress_col = "svm[GPa]" if s["stress"] == "vm" else "s%s[GPa]" % s["stress"]
        flo = s["flow_lo"] if not math.isnan(s["flow_lo"]) else 0.0
        fhi = s["flow_hi"] if not math.isnan(s["flow_hi"]) else 0.0
        ref = analyze(column(mine, sc), column(mine, stress_col), s["stress"] != "vm", s["fit"], s["offset"], flo,
                      fhi, blocks)
        steps = [int(r["step"]) for r in mine]
        if steps and (steps[0] != s["first_step"] or steps[-1] != s["last_step"]):
            bad.append((s["stage"], "steps", (s["first_step"], s["last_step"]), (steps[0], steps[-1])))
        # A number near zero (an intercept, a standard error) carries the
        # round-off of the data's scale, not its own: 1e-9 of the stage's
        # largest strain, stress or stress/strain as the floor.
        xs = np.abs(column(mine, sc)).max() if mine else 0.0
        ysc = np.abs(column(mine, stress_col)).max() if mine else 0.0
        for k in SUMMARY_KEYS:
            compared += 1
            scale = xs if k in STRAIN_KEYS else (ysc / xs if xs > 0 else 0.0) if k in MODULUS_KEYS else ysc
            if not same(s[k], ref[k], 1e-9, 1e-9 * scale):
                bad.append((s["stage"], k, s[k], ref[k]))
    return bad, compared
