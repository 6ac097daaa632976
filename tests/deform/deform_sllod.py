#!/usr/bin/python3
"""Steady shear of a liquid with a streaming flow (deform ... remap v, SLLOD
thermostats; src/fix/deform.c, docs/deformation.md).

The 500-atom Cu64Zr36 liquid at 1500 K sheared in xy at 2e11 /s for 8000
steps (16 ps, gamma 3.2, three box flips), thermostatted on the peculiar
velocity: first by a Nose-Hoover thermostat, then by Langevin.

- The mean velocity profile is the imposed flow: a linear regression of
  vx on y over the atoms, averaged over 60 dump frames after the first
  2000 steps, has slope gamma_dot = 0.2 /ps within 3 standard errors
  (SLOPE_SE below, measured once on a longer run: the slope stays
  correlated for ~2 ps), and vy, vz have no profile (the same bound).
- The peculiar temperature (thermo ptemp) averages the 1500 K target
  within 3 standard errors (blocks of 1 ps: 12 blocks after 4 ps) under a
  Nose-Hoover thermostat (chain 1: with longer chains the mean under steady
  heating sits off the target, docs/deformation.md); under Langevin it sits
  above by the viscous heat sigma_xy gamma_dot V times damp / (Nf kB), the
  steady state of dK/dt = P - 2 (K - K0) / damp. Meanwhile
  the total kinetic temperature (temp) is higher by the flow's kinetic
  energy: temp - ptemp equals 2 KE_flow / (3 N kB) with KE_flow = sum m
  u(y)^2 / 2 from the atoms' positions, to 3 SE.
- The remap and the thermostat must agree: remap v under a thermostat
  without sllod, sllod without a flow, remap v under a barostat, a
  deformed axis the barostat also couples, each stops with its message
  naming the deck line; deck errors (a rate without a unit, a tilt on an
  orthogonal box, a shrink-wrapped axis, two deform fixes on one
  component) name file:line. On 1 and 3 ranks.

Run as `deform_sllod.py flow` (test deform-sllod, label heavy) and
`deform_sllod.py errors` (test deform-errors)."""
import os
import re
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import mgmdtest as mt  # noqa: E402
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "groups"))
from gcommon import read_dump  # noqa: E402

check = mt.Checks()
RATE = 0.2  # 1/ps
# Standard error of the mean profile slope over the 12 ps analysed, from
# 10 blocks of a 60 ps run of the same input (0.0036 /ps over 49 ps under
# Nose-Hoover chain 1, 0.0023 under chain 3): the slope's slowest part, the
# box's shear mode, stays correlated for ~2 ps, so blocks of the 12 ps
# itself would underestimate it.
SLOPE_SE = 0.0036 * (49 / 12) ** 0.5
HEAD = f"""units metal
timestep 2 fs
read_data {mt.DATA}/cuzr-liquid.data
potential eam/fs CuZr_mm.eam.fs Cu Zr
neighbor skin 1.0
change_box all triclinic
"""


def block_se(x, nblocks):
    b = np.array([blk.mean() for blk in np.array_split(x, nblocks)])
    return b.mean(), b.std(ddof=1) / np.sqrt(nblocks)


# `flow` (the statistics, label heavy: optimised build only) or `errors`
# (the consistency and deck errors, also under the sanitizers); both
# without an argument.
PARTS = sys.argv[1:] or ["flow", "errors"]
with tempfile.TemporaryDirectory() as wd:
    for name, ens in () if "flow" not in PARTS else (("Nose-Hoover", "ensemble nvt temp 1500 K tdamp 0.1 ps chain 1 sllod yes"),
                      ("Langevin", "ensemble langevin temp 1500 K damp 0.1 ps seed 4 sllod yes")):
        d = os.path.join(wd, name)
        mt.run_mgmd(HEAD + f"""{ens}
deform sh xy erate {RATE * 1e12:g} 1/s remap v
thermo every 10 file thermo.csv columns step temp ptemp pxy xy ly vol
dump d every 100 file flow.dump columns id type x y z vx vy vz
run 8000
""", d)
        frames = [f for f in read_dump(os.path.join(d, "flow.dump")) if f["step"] > 2000]
        slopes, other = [], []
        for fr in frames:
            # A regression over the atoms, y as stored (not wrapped: an atom
            # that drifted out of the box since the last re-neighbouring
            # carries the flow of where it is).
            c = fr["cols"]
            y = c["y"]
            slopes.append(np.polyfit(y, c["vx"], 1)[0])
            other.append([np.polyfit(y, c["vy"], 1)[0], np.polyfit(y, c["vz"], 1)[0]])
        slopes, other = np.array(slopes), np.array(other)
        m = slopes.mean()
        check(abs(m - RATE) < 3 * SLOPE_SE, f"{name}: mean vx profile slope {m:.4f} /ps = the shear rate {RATE} /ps "
              f"within 3 x {SLOPE_SE} /ps ({len(slopes)} frames)")
        om = other.mean(0)
        check(np.all(np.abs(om) < 3 * SLOPE_SE), f"{name}: no vy, vz profile (slopes {om[0]:.4f}, {om[1]:.4f} /ps, "
              f"within 3 x {SLOPE_SE:.4f})")
        t = mt.read_thermo(os.path.join(d, "thermo.csv"))
        late = t["step"] >= 2000
        pm, pse = block_se(t["ptemp"][late], 12)
        # The viscous heat sigma_xy rate V (eV/ps) that the bath removes:
        # Langevin's steady state lies above its target by P damp / (Nf kB).
        heat = -np.mean(t["pxy"][late]) * RATE * np.mean(t["vol"][late]) / 1.6021765e6
        want = 1500 + (heat * 0.1 / (1497 * 8.617343e-5) if name == "Langevin" else 0.0)
        check(abs(pm - want) < 3 * pse, f"{name}: peculiar temperature {pm:.1f} +- {pse:.1f} K = {want:.1f} K "
              f"(target 1500 K{' + viscous heat x damp / (Nf kB)' if name == 'Langevin' else ''})")
        # The flow's share of the total temperature, from the dumped frames.
        masses = {1: 63.546, 2: 91.224}
        dT = []
        for fr in frames:
            c = fr["cols"]
            ly = fr["hi"][1] - fr["lo"][1]
            # Not wrapped: an atom that drifted out of the box since the last
            # re-neighbouring carries the flow of where it is.
            lam = (c["y"] - fr["lo"][1]) / ly
            u = RATE * ly * lam
            mass = np.vectorize(masses.get)(c["type"].astype(int))
            v = np.stack([c["vx"], c["vy"], c["vz"]], 1)
            ke_tot = 0.5 * np.sum(mass[:, None] * v * v) * 1.0364269e-4
            vp = v.copy()
            vp[:, 0] -= u
            ke_p = 0.5 * np.sum(mass[:, None] * vp * vp) * 1.0364269e-4
            dof = 3 * len(mass) - 3
            dT.append(2 * (ke_tot - ke_p) / (dof * 8.617343e-5))
        row = {int(s): k for k, s in enumerate(t["step"])}
        pairs = [(t["temp"][row[fr["step"]]] - t["ptemp"][row[fr["step"]]], x) for fr, x in zip(frames, dT)]
        diff = np.array([a - b for a, b in pairs])
        check(np.max(np.abs(diff)) < 1e-6, f"{name}: temp - ptemp = the streaming profile's share computed from "
              f"the dumped frames (max difference {np.max(np.abs(diff)):.1e} K; mean share "
              f"{np.mean(dT):.1f} K)")

    # Consistency and deck errors.
    bad = [
        ("sllod without a flow", "ensemble nvt temp 1500 K tdamp 0.1 ps sllod yes\nrun 10\n",
         r"'sllod yes' but no fix makes a streaming flow"),
        ("remap v without sllod", "ensemble nvt temp 1500 K tdamp 0.1 ps\ndeform sh xy erate 1e10 1/s remap v\n"
         "run 10\n", r"in\.deck:8: deform sh: remap v puts the flow into the velocities"),
        ("remap v under a barostat", "ensemble npt temp 1500 K tdamp 0.1 ps press 0 pdamp 1 ps couple aniso "
         "axes yz\ndeform sh xy erate 1e10 1/s remap v\nrun 10\n", r"in\.deck:8: deform sh: remap v .*barostat"),
        ("axis also barostatted", "ensemble npt temp 1500 K tdamp 0.1 ps press 0 pdamp 1 ps couple aniso\n"
         "deform pull xx erate 1e10 1/s\nrun 10\n", r"in\.deck:8: deform pull drives xx, which the barostat also "
         r"controls"),
        ("axis with its own barostat target", "ensemble npt temp 1500 K tdamp 0.1 ps xx 0 yy 0 pdamp 1 ps\n"
         "deform pull xx erate 1e10 1/s\nrun 10\n", r"in\.deck:8: deform pull drives xx, which the barostat also "
         r"controls"),
        ("rate without a unit", "deform sh xy erate 1e10\n", r"in\.deck:7: deform: the strain rate needs a unit"),
        ("two fixes on one component", "deform a xy erate 1e10 1/s\ndeform b xy vel 0.1 A/ps\n",
         r"in\.deck:8: deform: xy is driven by deform 'a' already"),
        ("unknown style", "deform a xy wiggle 1 2\n", r"in\.deck:7: deform: unknown style 'wiggle' for xy"),
        ("no component", "deform a remap v\n", r"in\.deck:7: deform: nothing to deform"),
    ]
    ortho = HEAD.replace("change_box all triclinic\n", "")
    bad_ortho = [("tilt on an orthogonal box", ortho + "deform a xy erate 1e10 1/s\n",
                  r"in\.deck:6: deform: the tilt xy needs a triclinic box"),
                 ("shrink-wrapped axis", ortho.replace("read_data", "boundary p p s\nread_data") +
                  "deform a zz erate 1e10 1/s\n", r"in\.deck:7: deform: zz is shrink-wrapped")]
    # Several cases at once (each in its own folder): their time is mostly
    # MPI's start-up waiting.
    cases = [(n, k, w, t, pat) for n in ((1, 3) if "errors" in PARTS else ())
             for k, (w, t, pat) in enumerate([(w, HEAD + t, p) for w, t, p in bad] + bad_ortho)]
    done = mt.parallel_map(lambda c: mt.run_mgmd(c[3], os.path.join(wd, f"bad{c[0]}_{c[1]}"), np_=c[0], check=False,
                                                 timeout=120), cases)
    for (n, k, what, text, pattern), p in zip(cases, done):
        out = p.stdout + p.stderr
        check(p.returncode != 0 and re.search(pattern, out) is not None,
              f"np{n} {what}: exit {p.returncode}, message /{pattern}/" +
              ("" if re.search(pattern, out) else f" (got: {out.strip().splitlines()[-1][:300]})"))
check.finish()
