#!/usr/bin/python3
"""A scheduled target on one component is followed.

fcc Cu crystal (stcommon.py, 500 atoms, 300 K, 0 bar box), tdamp 0.1 ps,
pdamp 1 ps, 2 fs steps, thermo every 5 steps.

1. `schedule load ramp 0 GPa to 1 GPa over 8 ps then hold for 12 ps` and
   `ensemble npt ... xx schedule load yy 0 zz 0`, one run of 20 ps: over
   the last 10 ps (from 2 ps into the hold) <p_xx> = 1 GPa and <p_yy> =
   <p_zz> = 0, each less kT/V (stcommon.mtk_offset), within 3 SE of 2 ps
   blocks (stcommon.block_mean). During the ramp p_xx follows the target:
   in each of the four 2 ps windows of the ramp, the mean of p_xx less
   the target's mean is within 3 SE (of 1 ps sub-blocks) plus the lag the
   barostat's response time t_r allows, rate * t_r with t_r = pdamp = 1 ps
   (0.125 GPa): the box is a damped oscillator of period ~0.3 ps whose
   chain damps it within ~pdamp, so the strain lags a slow ramp by less
   than pdamp (measured: a lag of 0.0-0.1 ps, offsets within 0.02 GPa).
2. A named schedule runs on across runs: `run 250` twice gives bitwise the
   thermo (no time column) of one `run 500`, lists rebuilt at every step so
   the run boundary changes no force sum (the component's copy of the schedule is
   anchored at its first run, and checkpointed with it); and the per-run
   ramp `xx 0 1 GPa` with `run 500` is bitwise the named `ramp 0 GPa to 1
   GPa over 1 ps` (500 steps), so the two spellings of a ramp are the same
   targets.
About 10 s of CPU (15,000 steps of 500 atoms)."""
import os
import tempfile

import numpy as np

import stcommon as sc

mt = sc.mt
check = mt.Checks()
RAMP, HOLD = 4000, 6000  # steps (8 ps, 12 ps)
SCHED = "schedule load ramp 0 GPa to 1 GPa over 8 ps then hold for 12 ps\n"
NEIGH = "neighbor skin 1.0 A every 1 delay 0 check no\n"


def rows(wd):
    with open(os.path.join(wd, "thermo.csv")) as f:
        return f.read()


with tempfile.TemporaryDirectory() as wd:
    eq = sc.prep(wd)

    # ---- 1. ramp and hold ------------------------------------------------
    a = os.path.join(wd, "ramp")
    mt.run_mgmd(sc.npt_deck(eq, "xx schedule load yy 0 zz 0", RAMP + HOLD, extra=SCHED), a)
    th = sc.thermo(a)
    first = RAMP + 1000
    V = th["vol"][th["step"] >= first].mean()
    for c, p in (("pxx", 1e4), ("pyy", 0.0), ("pzz", 0.0)):
        m, se, nb = sc.block(th, c, first)
        want = p - sc.mtk_offset(V)
        check(abs(m - want) < 3 * se, f"hold: <{c}> over the last 10 ps = {m:.1f} +- {se:.1f} bar ({nb} blocks), "
              f"target {p / sc.GPA:g} GPa less kT/V = {want:.1f} bar: {abs(m - want) / se:.1f} SE (3 allowed)")
    target = np.minimum(th["step"] / RAMP, 1.0) * 1e4  # bar, the schedule at each thermo step
    lag_allow = 1e4 / (RAMP * sc.DT) * 1.0             # rate (bar/ps) * pdamp (1 ps)
    for w in range(4):
        sel = (th["step"] > w * 1000) & (th["step"] <= (w + 1) * 1000)
        off = th["pxx"][sel] - target[sel]
        m, se, _ = sc.block_mean(off, 100)  # 1 ps sub-blocks
        check(abs(m) < 3 * se + lag_allow,
              f"ramp {2 * w}-{2 * w + 2} ps (target {target[sel].mean() / sc.GPA:.3f} GPa): <pxx - target> = "
              f"{m:.0f} +- {se:.0f} bar (allowed 3 SE + rate*pdamp = {lag_allow:.0f} bar)")

    # ---- 2. across runs; two spellings of a ramp -------------------------
    text = {}
    for name, targets, extra, runs in (
            ("one run", "xx schedule load yy 0 zz 0", SCHED, "run 500\n"),
            ("two runs", "xx schedule load yy 0 zz 0", SCHED, "run 250\nrun 250\n"),
            ("per-run ramp", "xx 0 1 GPa yy 0 zz 0", "", "run 500\n"),
            ("named ramp", "xx schedule r yy 0 zz 0", "schedule r ramp 0 GPa to 1 GPa over 1 ps\n", "run 500\n")):
        d = os.path.join(wd, name.replace(" ", "-"))
        # Lists rebuilt at every step, so that the run boundary (which
        # rebuilds) changes no force sum (as tests/schedule/schedule_deck.py).
        deck = sc.npt_deck(eq, targets, 500, extra=NEIGH + extra).replace("run 500\n", runs)
        mt.run_mgmd(deck, d)
        text[name] = rows(d)
    check(text["one run"] == text["two runs"] and text["one run"].count("\n") > 90,
          "a named schedule on xx runs on across runs: run 250 + run 250 = run 500 bitwise (thermo)")
    check(text["per-run ramp"] == text["named ramp"],
          "'xx 0 1 GPa' over a 500-step run = 'xx schedule r' (ramp 0 to 1 GPa over 1 ps) bitwise (thermo)")

check.finish()
