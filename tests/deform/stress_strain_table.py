#!/usr/bin/python3
"""The stress_strain observer's tables against what they are computed from.

Three loadings of the 500-atom Cu64Zr36 glass, each with a thermo CSV
written at the same steps (17 digits):

A. `stages manual`, shear xy driven by a deck loop (change_box xy delta
   0.2 A, run 10) x 10, `end_stage`, then 6 steps back, `end_stage`: two
   stages, the second an unloading with no sample in the fit window.
B. `stages runs`, fix deform xy erate 0.5/ps over two runs of 600 steps
   (shear 0 -> 1.2): the box flips at shear 0.5 (xy passes lx/2), so the
   thermo's xy jumps by -lx.
C. compression: fix deform zz erate -0.05/ps for 500 steps, one observer
   analysing szz, one von Mises (`stress vm`).

Checks:
- strain columns against the box in thermo: gamma_xy = (xy_unwrapped -
  xy0)/ly0, where xy_unwrapped adds back lx at every jump of more than lx/2
  (a flip; at least one must occur in B), eng = lz/lz0 - 1, true =
  ln(lz/lz0); to 1e-12 absolute (the table's 15 digits of a strain <= 1.2);
- the stresses, von Mises, pressure, pe/atom and temperature against
  -p/1e4, the von Mises formula, thermo's press, pe/500 and temp: 1e-12
  relative to the column's largest magnitude (15 printed digits; a
  component near zero carries the round-off of the column's scale);
- every summary number recomputed by NumPy (stress_strain_common.analyze,
  written from docs/analysis.md) from the table rows of its stage, to 1e-9
  relative (both are functions of the same printed numbers; 1e-9 leaves
  room for a lstsq against a centred-sum fit, nothing more);
- stages: rows carry their stage number, one summary row per stage with its
  first and last step; direction -1 in C for szz and for von Mises (whose
  stress is not mirrored), +1 in A and B; the unloading stage of A has no
  fit points, so NaN modulus and no yield ('nan' in the CSV, "no yield" on
  screen).
Runtime about 10 s on one core.
"""
import math
import os
import re

import numpy as np

import stress_strain_common as sc

mt = sc.mt
check = mt.Checks()


def by_step(rows):
    return {int(float(r["step"])): r for r in rows}


def compare_stresses(table_rows, thermo_rows, label, natoms=500):
    th = by_step(thermo_rows)
    steps = [int(r["step"]) for r in table_rows]
    missing = [s for s in steps if s not in th]
    check(not missing, f"{label}: every sampled step is in thermo ({len(steps)} steps; missing {missing[:5]})")
    steps = [s for s in steps if s in th]
    t = by_step(table_rows)
    p = np.array([[float(th[s]["p%s[bar]" % c]) for c in ("xx", "yy", "zz", "xy", "xz", "yz")] for s in steps])
    sig = -p / 1e4
    mine = np.array([[float(t[s]["s%s[GPa]" % c]) for c in ("xx", "yy", "zz", "xy", "xz", "yz")] for s in steps])
    scale = np.abs(sig).max(axis=0)
    err = (np.abs(mine - sig) / scale).max()
    check(err < 1e-12, f"{label}: six stresses = -p/1e4 from thermo (max error {err:.2e} of each column's scale)")
    vm = np.sqrt(0.5 * ((sig[:, 0] - sig[:, 1]) ** 2 + (sig[:, 1] - sig[:, 2]) ** 2 + (sig[:, 2] - sig[:, 0]) ** 2)
                 + 3 * (sig[:, 3] ** 2 + sig[:, 4] ** 2 + sig[:, 5] ** 2))
    got = np.array([float(t[s]["svm[GPa]"]) for s in steps])
    check(np.abs(got - vm).max() < 1e-12 * vm.max(), f"{label}: von Mises stress (max error "
          f"{np.abs(got - vm).max():.2e} GPa)")
    for col, ref, what in (("press[GPa]", [float(th[s]["press[bar]"]) / 1e4 for s in steps], "pressure"),
                           ("pe[eV/atom]", [float(th[s]["pe[eV]"]) / natoms for s in steps], "pe per atom"),
                           ("temp[K]", [float(th[s]["temp[K]"]) for s in steps], "temperature")):
        got = np.array([float(t[s][col]) for s in steps])
        ref = np.array(ref)
        e = np.abs(got - ref).max() / np.abs(ref).max()
        check(e < 1e-12, f"{label}: {what} = thermo's (max error {e:.2e} of the column's scale)")


def unwrapped_tilt(xy, lx):
    """Tilt with the flips undone: a jump of more than lx/2 is a flip by lx."""
    out = np.array(xy, float)
    shift = 0.0
    flips = 0
    for k in range(1, len(out)):
        jump = xy[k] - xy[k - 1]
        if abs(jump) > 0.5 * lx[k]:
            shift -= round(jump / lx[k]) * lx[k]
            flips += 1
        out[k] = xy[k] + shift
    return out, flips


def recompute(wd, prefix, blocks=5):
    bad, n = sc.recompute(os.path.join(wd, prefix + ".csv"), os.path.join(wd, prefix + "_summary.csv"), blocks)
    check(not bad, f"{prefix}: {n} summary values recomputed by NumPy from the table agree to 1e-9" +
          (f"; mismatches {bad[:4]}" if bad else ""))


def case_a(wd):
    deck = sc.GLASS_HEAD + """thermo every 10 file thermo.csv columns step lx ly lz xy xz yz pxx pyy pzz pxy pxz pyz press temp pe
stress_strain ss strain xy every 10 file ss fit 0.02 flow 0.04 0.1 stages manual
""" + sc.TWO_STAGE_LOOP
    p = mt.run_mgmd(deck, wd)
    header, rows = sc.read_csv(os.path.join(wd, "ss.csv"))
    _, th = sc.read_csv(os.path.join(wd, "thermo.csv"))
    check(header[:4] == ["stage", "step", "time[ps]", "gamma_xy[1]"] and header[-4:] ==
          ["svm[GPa]", "press[GPa]", "pe[eV/atom]", "temp[K]"], f"A: table header {','.join(header)}")
    stages = [int(r["stage"]) for r in rows]
    steps = [int(r["step"]) for r in rows]
    check(stages == [1] * 11 + [2] * 6 and steps == list(range(0, 161, 10)),
          f"A: stage 1 rows at steps 0..100, stage 2 at 110..160 (stages {stages})")
    thb = by_step(th)
    ly0 = float(thb[0]["ly[A]"])
    xy0 = 0.0  # the reference box (before the loop) is untilted
    err = max(abs(float(r["gamma_xy[1]"]) - (float(thb[int(r["step"])]["xy[A]"]) - xy0) / ly0) for r in rows)
    check(err < 1e-12, f"A: gamma_xy = xy/ly0 from thermo at every row (max error {err:.1e})")
    compare_stresses(rows, th, "A")
    recompute(wd, "ss")
    _, srows = sc.read_csv(os.path.join(wd, "ss_summary.csv"))
    s = [sc.summary_values(r) for r in srows]
    check(len(s) == 2 and [r["stage"] for r in s] == [1, 2] and s[0]["first_step"] == 0 and s[0]["last_step"] == 100
          and s[1]["first_step"] == 110 and s[1]["last_step"] == 160, "A: two summary rows with their step ranges")
    check(s[0]["direction"] == 1 and s[0]["fit_points"] == 3 and not math.isnan(s[0]["modulus"]),
          f"A: stage 1 direction +1, modulus {s[0]['modulus']:.4g} GPa from {s[0]['fit_points']} points")
    check(s[1]["fit_points"] == 0 and math.isnan(s[1]["modulus"]) and math.isnan(s[1]["yield_strain"]) and
          srows[1]["yield_stress[GPa]"] == "nan", "A: the unloading stage: no fit points, modulus and yield 'nan'")
    check(re.search(r"stress_strain ss: stage 2: 6 samples.*\n.*\n\s+no yield", p.stdout) is not None,
          "A: screen says 'no yield' for stage 2")


def case_b(wd):
    deck = sc.GLASS_HEAD + """thermo every 20 file thermo.csv columns step lx ly lz xy xz yz pxx pyy pzz pxy pxz pyz press temp pe
stress_strain sb strain xy every 20 file sb fit 0.05 flow 0.3 0.55 blocks 4
deform d xy erate 0.5 1/ps
run 600
run 600
"""
    p = mt.run_mgmd(deck, wd)
    header, rows = sc.read_csv(os.path.join(wd, "sb.csv"))
    _, th = sc.read_csv(os.path.join(wd, "thermo.csv"))
    thb = by_step(th)
    steps = [int(r["step"]) for r in rows]
    xy = np.array([float(thb[s]["xy[A]"]) for s in steps])
    lx = np.array([float(thb[s]["lx[A]"]) for s in steps])
    ly0 = float(thb[0]["ly[A]"])
    T, flips = unwrapped_tilt(xy, lx)
    gamma = np.array([float(r["gamma_xy[1]"]) for r in rows])
    err = np.abs(gamma - (T - T[0]) / ly0).max()
    nflip = len(re.findall(r"box flipped", p.stdout))
    check(flips >= 1 and nflip == flips and err < 1e-12 and abs(gamma[-1] - 1.2) < 1e-9,
          f"B: gamma_xy across {flips} box flip(s) (thermo xy jumps by -lx; mgmd printed {nflip}) = unwrapped "
          f"tilt/ly0 (max error {err:.1e}), reaching {gamma[-1]:.12g} (erate 0.5/ps x 2.4 ps = 1.2)")
    check(np.all(np.diff(gamma) > 0), "B: the strain grows monotonically through the flip")
    compare_stresses(rows, th, "B")
    recompute(wd, "sb", blocks=4)
    _, srows = sc.read_csv(os.path.join(wd, "sb_summary.csv"))
    stages = [int(r["stage"]) for r in rows]
    check(len(srows) == 2 and stages == [1] * 31 + [2] * 30,
          f"B: stages runs: each run is a stage (rows {stages.count(1)} + {stages.count(2)}, summary rows "
          f"{len(srows)})")


def case_c(wd):
    deck = sc.GLASS_HEAD + """thermo every 20 file thermo.csv columns step lx ly lz xy xz yz pxx pyy pzz pxy pxz pyz press temp pe
stress_strain sc strain zz every 20 file sc fit 0.01 flow 0.03 0.05
stress_strain sv strain zz stress vm every 20 file sv fit 0.01 flow 0.03 0.05
deform d zz erate -0.05 1/ps
run 500
"""
    mt.run_mgmd(deck, wd)
    _, th = sc.read_csv(os.path.join(wd, "thermo.csv"))
    thb = by_step(th)
    lz0 = float(thb[0]["lz[A]"])
    header, rows = sc.read_csv(os.path.join(wd, "sc.csv"))
    check(header[3:5] == ["eng_strain_zz[1]", "true_strain_zz[1]"], f"C: strain columns {header[3:5]}")
    lz = np.array([float(thb[int(r["step"])]["lz[A]"]) for r in rows])
    eng = sc.column(rows, "eng_strain_zz[1]")
    tru = sc.column(rows, "true_strain_zz[1]")
    e1, e2 = np.abs(eng - (lz / lz0 - 1)).max(), np.abs(tru - np.log(lz / lz0)).max()
    check(e1 < 1e-12 and e2 < 1e-12 and abs(eng[-1] + 0.05) < 1e-9,
          f"C: engineering (lz/lz0 - 1) and true (ln) strains from thermo's lz (errors {e1:.1e}, {e2:.1e}), "
          f"reaching {eng[-1]:.10g}")
    compare_stresses(rows, th, "C")
    recompute(wd, "sc")
    recompute(wd, "sv")
    s1 = sc.summary_values(sc.read_csv(os.path.join(wd, "sc_summary.csv"))[1][0])
    s2 = sc.summary_values(sc.read_csv(os.path.join(wd, "sv_summary.csv"))[1][0])
    check(s1["direction"] == -1 and s2["direction"] == -1 and s1["modulus"] > 0 and s2["stress"] == "vm",
          f"C: compression: direction -1 for szz and von Mises; modulus of -szz vs -eps {s1['modulus']:.4g} GPa, "
          f"max -szz {s1['max_stress']:.4g} GPa, max svm {s2['max_stress']:.4g} GPa")


def main():
    case_a(sc.workdir("table-a"))
    case_b(sc.workdir("table-b"))
    case_c(sc.workdir("table-c"))
    check.finish()


if __name__ == "__main__":
    main()
