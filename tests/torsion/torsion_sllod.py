#!/usr/bin/python3
"""A thermostat on the velocity relative to the twist (`sllod yes` under a
torsion at a rate; src/fix/torsion.c, FLOW_TWIST in src/system/system.h;
docs/torsion.md "Thermostats and the twist rate").

The setting where it matters: a 3 nm [001] Cu wire at 10 K twisted at
4 deg/ps with the affine start, where the twist's kinetic energy at the
gauge's top (1/2 m (omega rho)^2 = 3.4 meV) is ~4 kT.

1. Balance: over the second half of 1.2 ps, the mean of T_top + T_bottom
   is below 10 % of the top grip's mean |T| under NVT with `sllod yes` and
   under Langevin with `sllod yes`, as without a thermostat (the wire
   twists uniformly). The same NVT without sllod brakes the twist: there
   the imbalance must exceed 30 % (measured 63 %), so that the first check
   says something, and the run's start warns.
2. Temperature: the peculiar temperature (thermo `ptemp`, the torsion
   table's `temp`) averaged over the second half is within 15 % of the
   10 K target for both sllod thermostats (samples spread 9.4-11.6 K: a
   few thousand atoms, 1.3 % per sample, plus the torsional oscillation
   exchanging energy with the heat bath over a few tdamp), while plain NVT
   holds it at ~6.6 K (the bath takes the twist's energy for heat).
3. The flow itself, against NumPy: from a dump of unwrapped positions and
   velocities (17 digits) at the last step, sum m |v - u|^2 / (k_B (3N - 3))
   over the free atoms, u = omega w(z) e_z x (r - c) with c, lo, hi as the
   torsion command printed them, equals the thermo file's ptemp to 1e-8
   relative (the file's digits and LAMMPS' metal constants, which the
   test repeats; measured 1e-15). The grips are taken from their regions,
   not from the code under test.
4. Rank independence and restarts: the NVT sllod table on 3 ranks equals
   1 rank's to 1e-9 relative (order of sums only); a restart from a
   mid-run checkpoint writes the table byte for byte (the flow is published
   again from the fix's checkpointed state when the run resumes).
5. Errors: `sllod yes` with a static twist (`angle`) has no flow to act on;
   `deform ... remap v` beside a twisting torsion is refused (one flow at a
   time).

Runtime about 30 s on two cores. Under the sanitizers (MGMD_LIGHT=1) 3-5
on a 2 nm wire for 300 steps; 1-2 need the larger wire and are left to
the optimised build.
"""
import os
import re
import shutil
import tempfile

import numpy as np

import twcommon as tc

mt = tc.mt
check = mt.Checks()
RATE = 4.0  # deg/ps
T0 = 10.0  # K
MASS_CU = 63.546  # g/mol (CuZr_mm.eam.fs)
MVV2E = 1.0364269e-4  # eV per (g/mol A^2/ps^2), LAMMPS metal
BOLTZ = 8.617343e-5  # eV/K, LAMMPS metal
GRIP = 7.0  # A, twcommon.wire's default

CELLS = (8, 12, 10.0) if tc.LIGHT else (12, 20, 15.0)
STEPS = 300 if tc.LIGHT else 600
ENSEMBLES = {
    "nvt-sllod": f"ensemble nvt temp {T0} K tdamp 0.1 ps sllod yes\n",
    "langevin-sllod": f"ensemble langevin temp {T0} K damp 0.1 ps seed 3 sllod yes\n",
    "nvt": f"ensemble nvt temp {T0} K tdamp 0.1 ps\n",
}


def deck(ensemble, extra=""):
    return tc.wire(*CELLS) + f"""velocity create {T0} K seed 4242
{ensemble}torsion tw top gtop bottom gbot rate {RATE} deg/ps affine yes
stress_strain ts torsion tw every 50 file ts fit 0.02
thermo every 50 file th.csv columns step temp ptemp pe
{extra}run {STEPS}
"""


def table(d):
    return tc.read_table(os.path.join(d, "ts.csv"))


def half(x):
    return x[len(x) // 2:]


def imbalance(t):
    top = np.mean(np.abs(half(t["torque_top"])))
    return abs(np.mean(half(t["torque_top"]) + half(t["torque_bottom"]))) / top


def balance_and_temperature(wd):
    runs = {}
    for name, ens in ENSEMBLES.items():
        d = os.path.join(wd, name)
        p = mt.run_mgmd(deck(ens), d)
        runs[name] = (table(d), mt.read_thermo(os.path.join(d, "th.csv")), p.stdout)
    for name in ("nvt-sllod", "langevin-sllod"):
        t, th, out = runs[name]
        imb = imbalance(t)
        check(imb < 0.10, f"{name}: mean T_top + T_bottom over the second half is {100 * imb:.1f} % of the top "
              "grip's mean |T| (< 10 %: the wire twists uniformly)")
        pt = np.mean(half(th["ptemp"]))
        check(abs(pt - T0) < 0.15 * T0, f"{name}: mean peculiar temperature over the second half {pt:.2f} K, "
              f"within 15 % of {T0} K")
        check("WARNING" not in out, f"{name}: no warning about the thermostat braking the twist")
        check(np.allclose(t["temp"], th["ptemp"], rtol=1e-9), f"{name}: the torsion table's temp is the peculiar "
              "temperature (thermo ptemp)")
    t, th, out = runs["nvt"]
    imb = imbalance(t)
    check(imb > 0.30, f"nvt without sllod: the imbalance is {100 * imb:.0f} % (> 30 %: the thermostat brakes the "
          "twist, so the balance above is the sllod thermostat's doing)")
    check(re.search(r"WARNING: .*torsion tw: the twist carries free atoms .* kT .* add 'sllod yes'", out),
          "nvt without sllod: the run's start warns that the thermostat brakes the twist")
    pt = np.mean(half(th["ptemp"]))
    check(pt < 0.85 * T0, f"nvt without sllod: the peculiar temperature sits at {pt:.2f} K (below 85 % of "
          "the target: the bath takes the twist's kinetic energy for heat)")


def geometry(stdout):
    m = re.search(r"axis z through \(x, y\) = \(([-\d.e+]+), ([-\d.e+]+)\) A, gauge z in \[([-\d.e+]+), "
                  r"([-\d.e+]+)\] A", stdout)
    return [float(g) for g in m.groups()]


def peculiar_numpy(wd):
    d = os.path.join(wd, "dump")
    extra = f"dump d every {STEPS} file d.dump columns id xu yu zu vx vy vz precision 17\n"
    p = mt.run_mgmd(deck(ENSEMBLES["nvt-sllod"], extra), d)
    cx, cy, lo, hi = geometry(p.stdout)
    frames = mt.read_dump(os.path.join(d, "d.dump"))
    first, last = frames[0], frames[-1]
    z0 = first["zu"]
    h = CELLS[1] * tc.A0  # the grips' regions (twcommon.wire): z <= GRIP and z >= h - GRIP at the start
    free = (z0 > GRIP) & (z0 < h - GRIP)
    assert np.array_equal(first["id"], last["id"])
    x, y, z = last["xu"][free], last["yu"][free], last["zu"][free]
    w = np.clip((z - lo) / (hi - lo), 0.0, 1.0) * np.radians(RATE)
    vp = np.stack([last["vx"][free] + w * (y - cy), last["vy"][free] - w * (x - cx), last["vz"][free]], axis=1)
    n = int(free.sum())
    ptemp = MASS_CU * MVV2E * np.sum(vp * vp) / (BOLTZ * (3 * n - 3))
    th = mt.read_thermo(os.path.join(d, "th.csv"))
    got = th["ptemp"][-1]
    rel = abs(got - ptemp) / ptemp
    check(rel < 1e-8, f"ptemp at step {STEPS} = {got:.10g} K, NumPy from the dump (u = omega w(z) e_z x (r - c), "
          f"{n} free atoms) {ptemp:.10g} K: {rel:.1e} relative (<= 1e-8)")


def ranks_and_restart(wd):
    text = deck(ENSEMBLES["nvt-sllod"], f"checkpoint every {STEPS // 3} file ck/c keep 10\n")
    one = os.path.join(wd, "np1")
    p = mt.run_mgmd(text, one)
    t1 = table(one)
    three = os.path.join(wd, "np3")
    mt.run_mgmd(text, three, np_=3)
    t3 = table(three)
    worst = max(np.max(np.abs(t3[k] - t1[k])) / np.max(np.abs(t1[k]))
                for k in ("torque", "torque_top", "torque_bottom", "pe", "temp"))
    check(len(t3["step"]) == len(t1["step"]) and worst < 1e-9,
          f"3 ranks: the nvt sllod table equals 1 rank's to {worst:.1e} relative (<= 1e-9)")
    mid = sorted((s, n) for n, s in mt.checkpoint_steps(p.stdout, "ck/c").items() if 0 < s < STEPS)
    check(len(mid) >= 1, f"checkpoints inside the run: {[s for s, _ in mid]}")
    if mid:
        step, name = mid[0]
        again = os.path.join(wd, "again")
        shutil.copytree(one, again)
        mt.run_mgmd(text, again, args=("-restart", os.path.join("ck", name)))
        same = all(open(os.path.join(one, f), "rb").read() == open(os.path.join(again, f), "rb").read()
                   for f in ("ts.csv", "ts_summary.csv", "th.csv"))
        check(same, f"restart from step {step}: ts.csv, ts_summary.csv and th.csv byte-identical to the straight "
              "run's")


def errors(wd):
    static = tc.wire(*CELLS) + f"""ensemble nvt temp {T0} K tdamp 0.1 ps sllod yes
torsion tw top gtop bottom gbot angle 1 deg
run 10
"""
    p = mt.run_mgmd(static, os.path.join(wd, "e1"), check=False)
    check(p.returncode != 0 and "the thermostat has 'sllod yes' but no fix makes a streaming flow" in p.stdout + p.stderr,
          "sllod yes with a static twist (angle): refused, no flow to act on")
    both = tc.wire(*CELLS) + """change_box all triclinic
torsion tw top gtop bottom gbot rate 1 deg/ps
deform sh xy erate 1e9 1/s remap v
run 10
"""
    p = mt.run_mgmd(both, os.path.join(wd, "e2"), check=False)
    check(p.returncode != 0 and re.search(r"one flow at a time|streaming flow", p.stdout + p.stderr),
          "deform remap v beside a twisting torsion: refused (one flow at a time)")


def main():
    with tempfile.TemporaryDirectory() as wd:
        if not tc.LIGHT:
            balance_and_temperature(wd)
        peculiar_numpy(wd)
        ranks_and_restart(wd)
        errors(wd)
    check.finish()


if __name__ == "__main__":
    main()
