#!/usr/bin/python3
"""Shear viscosity of the Cu64Zr36 liquid under SLLOD against LAMMPS'
fix nvt/sllod on the same input (label long: ~7 minutes on 2 cores).

The 500-atom liquid fixture at 1500 K (CuZr_mm.eam.fs), a triclinic box,
sheared in xy at 1e11 /s with the flow in the velocities: mgmd `deform ...
remap v` + `ensemble nvt ... chain 1 sllod yes`; LAMMPS `fix deform ... remap
v` + `fix nvt/sllod ... tchain 1` with `velocity ramp` for the initial
profile and `compute temp/deform` for thermo. A single Nose-Hoover
thermostat in both: with a chain, the mean temperature under steady heating
is off the target (docs/deformation.md), and the viscosity depends on it.
Three independent starts (velocity seeds) per code, 40,000 steps of 2 fs
each; eta = -<pxy> / gamma_dot from the last 60 ps of each run (Pa s). The
two codes' means over their three runs, each with the standard error from
the spread of its three runs, agree within 3 combined standard errors
(sqrt(se_a^2 + se_b^2)); the mgmd mean peculiar temperature is the target
within 3 SE, and LAMMPS' is printed beside it (its nvt/sllod may hold a
different temperature; then the comparison says so)."""
import os
import subprocess
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import mgmdtest as mt  # noqa: E402

check = mt.Checks()
LMP = os.environ.get("MGMD_LAMMPS", "lmp")
POT = "/usr/share/lammps/potentials/CuZr_mm.eam.fs"
RATE, T, STEPS, SKIP = 0.1, 1500.0, 40000, 10000


def lammps(seed, wd):
    text = f"""units metal
atom_style atomic
boundary p p p
read_data {mt.DATA}/cuzr-liquid.data
change_box all triclinic
pair_style eam/fs
pair_coeff * * {POT} Cu Zr
neighbor 1.0 bin
timestep 0.002
velocity all create {T} {seed} dist gaussian mom yes
variable vtop equal {RATE}*ly
velocity all ramp vx 0 ${{vtop}} y $(ylo) $(yhi) sum yes units box
fix d all deform 1 xy erate {RATE} remap v
fix t all nvt/sllod temp {T} {T} 0.1 tchain 1
compute tp all temp/deform
thermo_modify temp tp
thermo_style custom step temp pxy
thermo_modify format float %.10g
thermo 10
run {STEPS}
"""
    with open(os.path.join(wd, "in.lmp"), "w") as f:
        f.write(text)
    p = subprocess.run([LMP, "-in", "in.lmp", "-log", "log.lammps"], cwd=wd, capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError(p.stdout[-2000:] + p.stderr[-2000:])
    rows, on = [], False
    for line in open(os.path.join(wd, "log.lammps")):
        w = line.split()
        if w[:3] == ["Step", "Temp", "Pxy"]:
            on = True
            continue
        if on and w and w[0] == "Loop":
            break
        if on and len(w) == 3:
            rows.append([float(v) for v in w])
    d = np.array(rows)
    return d[:, 0], d[:, 1], d[:, 2]


def mgmd(seed, wd):
    mt.run_mgmd(f"""units metal
timestep 2 fs
read_data {mt.DATA}/cuzr-liquid.data
potential eam/fs CuZr_mm.eam.fs Cu Zr
neighbor skin 1.0
change_box all triclinic
velocity create {T:g} K seed {seed}
ensemble nvt temp {T:g} K tdamp 0.1 ps chain 1 sllod yes
deform sh xy erate {RATE * 1e12:g} 1/s remap v
thermo every 10 file thermo.csv columns step ptemp pxy
run {STEPS}
""", wd)
    t = mt.read_thermo(os.path.join(wd, "thermo.csv"))
    return t["step"], t["ptemp"], t["pxy"]


with tempfile.TemporaryDirectory() as wd:
    res = {}
    for code, fn in (("mgmd", mgmd), ("lammps", lammps)):
        etas, temps = [], []
        for seed in (11, 12, 13):
            d = os.path.join(wd, f"{code}{seed}")
            os.makedirs(d, exist_ok=True)
            step, temp, pxy = fn(seed, d)
            late = step - step[0] >= SKIP
            etas.append(-np.mean(pxy[late]) * 1e5 / (RATE * 1e12))  # bar -> Pa, 1/ps -> 1/s
            temps.append(np.mean(temp[late]))
        etas, temps = np.array(etas), np.array(temps)
        res[code] = (etas.mean(), etas.std(ddof=1) / np.sqrt(3), temps.mean(), temps.std(ddof=1) / np.sqrt(3))
        print(f"{code}: eta per run {np.round(etas * 1e3, 3)} mPa s; temperature per run {np.round(temps, 1)} K")
    (em, sm, tm, tsm), (el, sl, tl, tsl) = res["mgmd"], res["lammps"]
    comb = np.hypot(sm, sl)
    check(abs(em - el) < 3 * comb, f"viscosity at 1e11 /s, 1500 K: mgmd {em * 1e3:.3f} +- {sm * 1e3:.3f} mPa s, LAMMPS "
          f"nvt/sllod {el * 1e3:.3f} +- {sl * 1e3:.3f} mPa s (within 3 combined SE {comb * 1e3:.3f})")
    check(abs(tm - T) < 3 * max(tsm, 0.5), f"mgmd peculiar temperature {tm:.1f} +- {tsm:.1f} K = {T:g} K "
          f"(LAMMPS temp/deform: {tl:.1f} +- {tsl:.1f} K)")
check.finish()
