#!/usr/bin/python3
"""Large shear of a glass with box flips (src/fix/deform.c).

1. The 500-atom Cu64Zr36 glass at 300 K (Nose-Hoover) sheared in xy at
   2e11 /s to gamma = 3 (15 ps, 7,500 steps of 2 fs; the box flips at
   every gamma = 0.5 + k): the applied tilt xy + the flips' share follows
   gamma(t) ly0 exactly (1e-9 A); no atom is lost; across every flip the
   shear stress and the energy change by no more than their ordinary
   step-to-step change (the flip step's |d pxy| and |d pe| below 5 times the
   standard deviation of all steps' changes: a wrong image flag or a cell
   the forces see differently would jump by orders of magnitude more); and
   every atom's unwrapped path is continuous (between dumps 50 steps apart
   no atom moves more than 2 A beyond the affine shear: a lost image is a
   box length).
2. The same stress-strain table (thermo: pxx ... pyz, pe, temp, xy) on 1
   and 3 ranks over the first 1000 steps, to 1e-9 relative (reductions are
   reproducible across rank counts; the trajectories may part in the last
   bits only through the chaos of 1000 steps).
3. Restart mid-shear: straight runs (remap x under Nose-Hoover; remap v
   under a SLLOD Nose-Hoover chain) checkpoint every 400 steps through a
   flip (at 2e11 /s it comes at step 1251); restarts from a checkpoint
   before and one after the flip, on 1 and 3 ranks, give thermo and dump
   byte for byte those of the straight run.
Under the sanitizer build (MGMD_LIGHT=1) part 1 shears at twice the rate
(the same three flips in half the steps; part 2 keeps 0.2/ps) and part 3 restarts remap x on one
rank and remap v on three."""
import os
import re
import shutil
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import mgmdtest as mt  # noqa: E402
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "groups"))
from gcommon import read_dump  # noqa: E402

check = mt.Checks()
LIGHT = os.environ.get("MGMD_LIGHT") == "1"
RATE = 0.4 if LIGHT else 0.2  # 1/ps (2e11 /s)


def deck(rate, steps, extra="", ens="ensemble nvt temp 300 K tdamp 0.1 ps", remap="x", thermo_every=1):
    return f"""units metal
timestep 2 fs
read_data {mt.DATA}/cuzr-glass.data
potential eam/fs CuZr_mm.eam.fs Cu Zr
neighbor skin 1.0
change_box all triclinic
{ens}
deform sh xy erate {rate * 1e12:g} 1/s remap {remap}
thermo every {thermo_every} file thermo.csv columns step pe temp ptemp pxx pyy pzz pxy pxz pyz xy ly natoms
{extra}
run {steps}
"""


with tempfile.TemporaryDirectory() as wd:
    # 1. gamma = 3 with flips.
    big = os.path.join(wd, "big")
    to_gamma3 = round(3 / (RATE * 0.002))
    p = mt.run_mgmd(deck(RATE, to_gamma3, "dump d every 50 file traj.dump columns id x y z ix iy iz"), big)
    flips = [int(m) for m in re.findall(r"sh: step (\d+): box flipped", p.stdout)]
    check(len(flips) == 3, f"gamma 3: the box flipped {len(flips)} times (at gamma 0.5, 1.5, 2.5: 3) at steps {flips}")
    t = mt.read_thermo(os.path.join(big, "thermo.csv"))
    check(np.all(t["natoms"] == 500), "gamma 3: no atom lost (natoms 500 at every step)")
    ly0 = t["ly"][0]
    gamma = RATE * 0.002 * t["step"]
    # The shown tilt wraps by lx at each flip; unwrap by counting flips.
    nflip = np.array([sum(1 for f in flips if s >= f) for s in t["step"]])
    lx = ly0  # cubic box
    applied = t["xy"] + nflip * lx
    err = np.max(np.abs(applied - gamma * ly0))
    check(err < 1e-9, f"gamma 3: applied tilt = gamma(t) ly0 at every step (max error {err:.2e} A)")
    check(abs(applied[-1] / ly0 - 3.0) < 1e-12, f"gamma 3: final shear strain {applied[-1] / ly0:.12f}")
    dp, de = np.abs(np.diff(t["pxy"])), np.abs(np.diff(t["pe"]))
    for f in flips:
        k = int(np.nonzero(t["step"] == f)[0][0]) - 1  # the change from step f-1 to f
        check(dp[k] < 5 * dp.std() and de[k] < 5 * de.std(),
              f"flip at step {f}: |d pxy| {dp[k]:.0f} bar, |d pe| {de[k]:.3g} eV (5 sigma of all steps: "
              f"{5 * dp.std():.0f} bar, {5 * de.std():.3g} eV)")
    frames = read_dump(os.path.join(big, "traj.dump"))
    worst = 0.0
    for a, b in zip(frames[:-1], frames[1:]):
        ua, ub = [], []
        for fr, out in ((a, ua), (b, ub)):
            c = fr["cols"]
            order = np.argsort(c["id"])
            x = np.stack([c["x"], c["y"], c["z"]], 1)[order]
            n = np.stack([c["ix"], c["iy"], c["iz"]], 1)[order]
            L = fr["hi"] - fr["lo"]
            h = np.array([[L[0], fr["tilt"][0], fr["tilt"][1]], [0, L[1], fr["tilt"][2]], [0, 0, L[2]]])
            out.append(x + n @ h.T)
        du = ub[0] - ua[0]
        # Affine part of the shear between the frames: dx = dgamma (y - ylo).
        dg = RATE * 0.002 * (b["step"] - a["step"])
        du[:, 0] -= dg * (ua[0][:, 1] - a["lo"][1])
        worst = max(worst, np.max(np.linalg.norm(du, axis=1)))
    check(worst < 2.0, f"unwrapped paths continuous across {len(flips)} flips: largest non-affine move between "
          f"dumps {worst:.2f} A (a lost image would be ~20 A)")

    # 2. 1 and 3 ranks.
    cols = ["pe", "temp", "pxx", "pyy", "pzz", "pxy", "pxz", "pyz", "xy"]
    runs = {}
    for n in (1, 3):
        d = os.path.join(wd, f"np{n}")
        mt.run_mgmd(deck(0.2, 1000), d, np_=n)
        runs[n] = mt.read_thermo(os.path.join(d, "thermo.csv"))
    rel = max(np.max(np.abs(runs[1][c] - runs[3][c]) / np.maximum(np.abs(runs[1][c]), 1e-300)) for c in cols
              if np.any(runs[1][c] != 0))
    check(rel < 1e-9, f"1 and 3 ranks: the stress-strain table agrees over 1000 steps (max relative difference "
          f"{rel:.1e})")

    # 3. Restarts through a flip.
    cases = (("remap x", deck(0.2, 2000, "checkpoint every 400 file ck/run keep 20\n"
                                         "dump d every 100 file traj.dump columns id x y z vx vy vz ix iy iz",
                              thermo_every=10)),
             ("remap v", deck(0.2, 2000, "checkpoint every 400 file ck/run keep 20\n"
                                         "dump d every 100 file traj.dump columns id x y z vx vy vz ix iy iz",
                              ens="ensemble nvt temp 300 K tdamp 0.1 ps sllod yes", remap="v", thermo_every=10)))
    for name, text in cases:
        for n in ((1,) if name == "remap x" else (3,)) if LIGHT else (1, 3):
            straight = os.path.join(wd, "straight")
            shutil.rmtree(straight, ignore_errors=True)
            p = mt.run_mgmd(text, straight, np_=n)
            check("box flipped" in p.stdout, f"{name} np{n}: the straight run flips the box")
            cks = sorted(c for c in os.listdir(os.path.join(straight, "ck")) if c.endswith(".h5"))
            check(len(cks) >= 4, f"{name} np{n}: checkpoints at steps 400, 800, 1200, 1600 ({cks})")
            for mid, when in zip(cks[1:4:2], ("before", "after")):  # steps 800 and 1600
                again = os.path.join(wd, "again")
                shutil.rmtree(again, ignore_errors=True)
                shutil.copytree(straight, again)
                for c in os.listdir(os.path.join(again, "ck")):
                    if c > mid:
                        os.unlink(os.path.join(again, "ck", c))
                mt.run_mgmd(text, again, np_=n, args=("-restart", "ck/" + mid))
                for fn in ("thermo.csv", "traj.dump"):
                    with open(os.path.join(again, fn), "rb") as fa, open(os.path.join(straight, fn), "rb") as fb:
                        check(fa.read() == fb.read(), f"{name} np{n}: restart from {mid} ({when} the flip at step "
                              f"1251): {fn} byte-identical")
check.finish()
