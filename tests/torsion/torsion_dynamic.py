#!/usr/bin/python3
"""Torsion at a constant twist rate at 10 K (docs/torsion.md, "Checked by"):
a 3 nm [001] Cu wire, NVT, the top grip turned at 4 deg/ps with the
affine twist rate given to the free atoms, a torsion table every 50 steps.

1. Ranks: the table on 2 and 4 ranks equals the 1-rank one to 1e-9
   relative (to each column's largest magnitude) over 600 steps: the
   trajectories differ only by the order of floating-point sums, which
   grows from 1e-16 over a few hundred steps of a cold crystal.
2. Restart: the run continued from each of its mid-run checkpoints (in a
   copy of the folder holding the straight run's longer files) writes the
   table and summary byte for byte, and so the radial profile with
   `reference untwisted` (whose zero-twist stress profile, from the sample
   at step 0, lives in the checkpoint).
3. The grips: the top grip's applied angle is 4 deg/ps x t in every row,
   the bottom grip and the held atoms stay out of the temperature, and the
   transmitted torque grows with the twist (elastic at these angles).
4. affine yes gives the free atoms the twist rate's velocity profile at
   the start, so the wire twists uniformly: the torques on the two grips
   balance (their sum averaged over samples 4-6 below 10 % of the top
   grip's mean torque; single samples carry the wire's torsional
   oscillation). With affine no the twist enters as a torsional wave from
   the top grip, which needs L / c_t = 60 A / (sqrt(C44 / rho) = 31 A/ps)
   = 1.9 ps to reach the bottom one: over these 0.6 ps the bottom grip's
   mean torque stays below 5 % of the top grip's. Both without a
   thermostat (NVE), which would brake the twist's flow (docs/torsion.md).
Runtime about 20 s on two cores. Under the sanitizers (MGMD_LIGHT=1) 1-3
run on a 2 nm wire for 300 steps (4 deg/ps) and 4 is left to the optimised
build.
"""
import os
import re
import shutil
import tempfile

import h5py
import numpy as np

import twcommon as tc

mt = tc.mt
check = mt.Checks()
RATE = 4.0  # deg/ps

WIRE = tc.wire(8, 12, 10.0) if tc.LIGHT else tc.wire(12, 20, 15.0)
STEPS = 300 if tc.LIGHT else 600
DECK = WIRE + f"""velocity create 10 K seed 4242
ensemble nvt temp 10 K tdamp 0.1 ps
torsion tw top gtop bottom gbot rate {RATE} deg/ps affine yes
stress_strain ts torsion tw every 50 file ts fit 0.02
profile gp radial z bin 2 file gp torsion tw every 50 window 3 reference untwisted
checkpoint every {STEPS // 3} file ck/c keep 10
thermo every 100
run {STEPS}
"""


AFFINE = tc.wire(12, 20, 15.0) + f"""velocity create 10 K seed 4242
torsion tw top gtop bottom gbot rate {RATE} deg/ps affine {{affine}}
stress_strain ts torsion tw every 50 file ts fit 0.02
run 300
"""


def affine_start(wd):
    t = {}
    for a in ("yes", "no"):
        d = os.path.join(wd, "affine-" + a)
        mt.run_mgmd(AFFINE.format(affine=a), d)
        t[a] = table(d)
    y, n = t["yes"], t["no"]
    top = np.mean(np.abs(y["torque_top"][4:]))
    imb = abs(np.mean(y["torque_top"][4:] + y["torque_bottom"][4:]))
    check(imb < 0.1 * top, f"affine yes: mean T_top + T_bottom over samples 4-6 {imb:.3g} eV < 10 % of the top "
          f"grip's mean |T| {top:.3g} eV (uniform twist from the start)")
    top = np.mean(np.abs(n["torque_top"][1:]))
    bot = np.mean(np.abs(n["torque_bottom"][1:]))
    check(bot < 0.05 * top, f"affine no: the bottom grip's mean |T| {bot:.3g} eV < 5 % of the top grip's {top:.3g} "
          "eV (the torsional wave has not arrived)")


def table(d):
    return tc.read_table(os.path.join(d, "ts.csv"))


def ck_steps(wd):
    out = []
    for n in sorted(os.listdir(os.path.join(wd, "ck"))):
        if n.endswith(".h5"):
            with h5py.File(os.path.join(wd, "ck", n), "r") as f:
                out.append((int(f["state"].attrs["step"]), n))
    return out


def files(d):
    return [open(os.path.join(d, name), "rb").read() for name in ("ts.csv", "ts_summary.csv", "gp.csv",
                                                                 "gp_fits.csv")]


def main():
    with tempfile.TemporaryDirectory() as wd:
        one = os.path.join(wd, "np1")
        mt.run_mgmd(DECK, one)
        t1 = table(one)
        n = len(t1["step"])
        check(n == STEPS // 50 + 1, f"{STEPS // 50 + 1} rows (steps 0, 50, ..., {STEPS}): {n}")
        phi = RATE * t1["time"]
        check(np.max(np.abs(t1["phi"] - phi)) < 1e-9, "phi = 4 deg/ps x t in every row "
              f"(max error {np.max(np.abs(t1['phi'] - phi)):.1e} deg)")
        check(np.all(np.diff(t1["torque"]) > 0), "the transmitted torque grows with the twist: "
              f"{t1['torque'][1]:.4g} .. {t1['torque'][-1]:.4g} eV")
        check(np.all(t1["temp"] < 30), f"the free atoms stay cold: temp <= {t1['temp'].max():.3g} K")
        for np_ in (2, 4):
            d = os.path.join(wd, f"np{np_}")
            mt.run_mgmd(DECK, d, np_=np_)
            t = table(d)
            worst = 0.0
            for k in ("torque", "torque_top", "torque_bottom", "tau_s", "gamma_s", "diameter", "pe", "temp"):
                scale = np.max(np.abs(t1[k]))
                worst = max(worst, np.max(np.abs(t[k] - t1[k])) / scale)
            check(len(t["step"]) == n and worst < 1e-9, f"{np_} ranks: the table equals 1 rank's to {worst:.1e} "
                  "relative (<= 1e-9)")
        steps = ck_steps(one)
        mid = [c for c in steps if 0 < c[0] < STEPS]
        check(len(mid) >= 1, f"checkpoints inside the run at steps {[c[0] for c in mid]}")
        for step, name in mid:
            again = os.path.join(wd, f"again{step}")
            shutil.copytree(one, again)
            p = mt.run_mgmd(DECK, again, args=("-restart", "ck/" + name))
            m = re.search(r"state of step (\d+)", p.stdout)
            check(m is not None and files(one) == files(again),
                  f"restart from step {step}: ts.csv, ts_summary.csv and the profile's gp.csv, gp_fits.csv "
                  "(reference untwisted: the zero-twist stresses in the checkpoint) byte-identical to the straight "
                  "run's")
        if not tc.LIGHT:
            affine_start(wd)
    check.finish()


if __name__ == "__main__":
    main()
