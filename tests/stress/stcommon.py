"""Shared by the stress-control tests (tests/stress): the fcc Cu crystal
they run on, block averages, the MTK expectation for a diagonal pressure,
LAMMPS runs.

The system: fcc Cu, Mishin et al.'s EAM (Cu_mishin1.eam.alloy; Phys. Rev. B
63, 224106 (2001)), 5x5x5 cubic cells = 500 atoms with the cube axes along
x, y, z, made at a = 3.63 A and equilibrated 4 ps at 300 K and 0 bar
(`couple aniso`, so each length relaxes on its own). Published constants of
the potential at 0 K: a0 = 3.615 A, C11 = 169.9, C12 = 122.6, C44 = 76.2 GPa.
"""
import os
import shutil
import subprocess
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import mgmdtest as mt  # noqa: E402

POT_NAME = "Cu_mishin1.eam.alloy"
POT = "/usr/share/lammps/potentials/" + POT_NAME
N = 500
T = 300.0
KB = 8.617343e-5        # eV/K (core/units.h)
NKTV2P = 1.6021765e6    # eV/A^3 -> bar
GPA = 1e4               # bar
EVERY = 5               # thermo interval (steps)
DT = 0.002              # ps
BLOCK_PS = 2.0          # block length for standard errors (see block_mean)
COLS = "step temp pe press pxx pyy pzz pxy pxz pyz vol lx ly lz xy xz yz econserve"


def prep(wd):
    """Make the equilibrated crystal: wd/eq.data (orthogonal box) and
    wd/eqtri.data (the same, triclinic with zero tilts). Returns eq.data;
    A300 (the global) is then the mean lattice constant at 300 K and 0 bar,
    the reference the strains are measured from.

    Two stages, because one box snapshot is a poor reference: at 300 K
    each length of a barostatted 500-atom box fluctuates by ~0.3 %
    (kT/(V E) = 1e-5 = strain variance). 6 ps of `couple aniso` at 0 bar
    from a = 3.63 A, whose last 4 ps give the mean cubic lattice constant
    (SE ~0.01 %); then the perfect lattice at that constant, 2 ps NVT."""
    global A300
    mt.run_mgmd(f"""units metal
timestep 2 fs
create_lattice fcc 3.63 A cells 5 5 5 types Cu
potential eam/alloy {POT_NAME} Cu
velocity create 600 K seed 4928
ensemble npt temp {T} K tdamp 0.1 ps press 0 bar pdamp 1 ps couple aniso
thermo every 5 file prep.csv columns step lx ly lz
run 3000
""", wd)
    th = mt.read_thermo(os.path.join(wd, "prep.csv"))
    keep = th["step"] >= 1000
    A300 = float(np.mean((th["lx"][keep] + th["ly"][keep] + th["lz"][keep]) / 3.0)) / 5.0
    mt.run_mgmd(f"""units metal
timestep 2 fs
create_lattice fcc {A300!r} A cells 5 5 5 types Cu
potential eam/alloy {POT_NAME} Cu
velocity create {T} K seed 4928
ensemble nvt temp {T} K tdamp 0.1 ps
run 1000
write_data eq.data
change_box all triclinic
write_data eqtri.data
""", wd)
    return os.path.abspath(os.path.join(wd, "eq.data"))


A300 = None


def npt_deck(data, targets, steps, dt_fs=2.0, extra="", pdamp="1 ps", every=EVERY, tail=""):
    """A deck running `ensemble npt ... targets` from data for steps."""
    return f"""units metal
timestep {dt_fs} fs
read_data {data}
potential eam/alloy {POT_NAME} Cu
{extra}ensemble npt temp {T} K tdamp 0.1 ps {targets} pdamp {pdamp}
thermo every {every} file thermo.csv columns {COLS}
run {steps}
{tail}"""


def thermo(wd):
    return mt.read_thermo(os.path.join(wd, "thermo.csv"))


def block_mean(x, block_steps):
    """Mean and standard error from block averages of block_steps samples
    (a whole number of blocks, from the start of x).

    Why BLOCK_PS = 2 ps: the barostat integrates p - P, so a controlled
    pressure component is anti-correlated beyond the barostat's period
    (~0.3 ps for Cu, 500 atoms, pdamp 1 ps): its integrated autocorrelation
    time is ~0.01 ps, but block means are independent only over blocks
    long against the barostat's response, a few pdamp. Measured on 46 ps
    runs (xx 1 GPa; xy -0.5 GPa), the block SE of p_xx falls from 87 bar
    (0.25 ps blocks) to 30 (0.5 ps), 25 (2 ps) and 13-16 (4-8 ps): 2 ps
    blocks (2 pdamp, ~7 barostat periods) are nearly independent, and their
    SE, if anything, overestimates the error. The tilt's and lengths' block
    SE is flat from 0.5 ps on."""
    nb = len(x) // block_steps
    b = np.asarray(x[: nb * block_steps]).reshape(nb, block_steps).mean(axis=1)
    return b.mean(), b.std(ddof=1) / np.sqrt(nb), nb


def block(th, col, first_step, block_ps=BLOCK_PS, every=EVERY, dt=DT):
    """block_mean of thermo column col from first_step on."""
    keep = th["step"] >= first_step
    return block_mean(th[col][keep], int(round(block_ps / (every * dt))))


def mtk_offset(V):
    """kT/V in bar: the MTK equations sample the isothermal-isobaric
    ensemble, whose virial theorem is <p_aa V> = P_aa <V> - kT for each
    controlled diagonal component (d<omega_dot>/dt = 0 with the 2KE/3N
    term), so <p_aa> = P_aa - kT/V to O(fluctuations); ~7 bar here, a
    third of an SE. Off-diagonal components have no such term."""
    return KB * T / V * NKTV2P


def lammps_exe():
    return os.environ.get("MGMD_LAMMPS") or shutil.which("lmp")


def lammps_input(data, fix, steps, dt_ps=DT, cols="step temp pe press pxx pyy pzz pxy pxz pyz lx ly lz xy xz yz",
                 every=1, extra=""):
    return f"""units metal
atom_style atomic
boundary p p p
read_data {data}
pair_style eam/alloy
pair_coeff * * {POT} Cu
neighbor 1.0 bin
neigh_modify every 1 delay 0 check yes
timestep {dt_ps}
{extra}fix 1 all {fix}
thermo_style custom {cols}
thermo_modify format float %.17g
thermo {every}
run {steps}
"""


def lammps_start(wd, text):
    """Start LAMMPS on input text in wd (background); returns the process.
    Its screen goes to wd/screen (a file: a pipe would fill and stall lmp)."""
    os.makedirs(wd, exist_ok=True)
    with open(os.path.join(wd, "in.lmp"), "w") as f:
        f.write(text)
    out = open(os.path.join(wd, "screen"), "w")
    return subprocess.Popen([lammps_exe(), "-in", "in.lmp", "-log", "none"], cwd=wd, stdout=out,
                            stderr=subprocess.STDOUT)


def lammps_finish(wd, proc, timeout=600):
    """Wait for a LAMMPS run; the thermo table of its last run as a dict of
    arrays (lower-case names, pe for PotEng), or None if it failed."""
    proc.wait(timeout=timeout)
    with open(os.path.join(wd, "screen")) as f:
        text = f.read()
    if proc.returncode != 0:
        sys.stderr.write(text[-3000:])
        return None
    rows, names, last = [], None, None
    for line in text.splitlines():
        w = line.split()
        if w[:1] == ["Step"]:
            names, rows = [n.lower() for n in w], []
        elif names and w and w[0] == "Loop":
            names, last = None, (names, rows)
        elif names and len(w) == len(names):
            try:
                rows.append([float(v) for v in w])
            except ValueError:
                pass
    names, rows = last
    a = np.array(rows)
    out = {n: a[:, k] for k, n in enumerate(names)}
    out["pe"] = out.get("poteng")
    return out


def lammps_run(wd, text, timeout=600):
    return lammps_finish(wd, lammps_start(wd, text), timeout)
