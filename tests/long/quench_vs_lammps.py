#!/usr/bin/python3
"""Quench in mgmd and in LAMMPS: same protocol, three seeds each (issue 3,
label `long`: `ctest -L long` or `tools/setup long`). The six simulations
are independent and run side by side, MGMD_LONG_JOBS at a time (default: one
per core, each on MGMD_LONG_RANKS ranks, default 1); 80 min on two cores.

2,048-atom Cu64Zr36 (random on 8x8x8 fcc cells, a = 4.065 A), Mendelev's
CuZr_mm.eam.fs; 20 ps at 2000 K and 0 bar, then 2000 K -> 300 K at 1e13 K/s
(170 ps) under 0 bar: Nose-Hoover chain + MTK barostat (tdamp 0.2 ps, pdamp
2 ps) in both codes (LAMMPS `fix npt ... iso 0 0 2.0`), 2 fs steps.

Checks: the final density (mean of the last 10 ps at 300 K) and potential
energy per atom agree between the codes within twice their combined standard
error (SE of each code = seed-to-seed standard deviation / sqrt(3);
agreement within one combined SE would fail a third of the time for two
identical distributions), and Tg from tools/find-tg on the volume agrees
within 30 K.
"""
import os
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import mgmdtest as mt

# Defaults are the protocol above; the environment can shrink it for a smoke
# run of the script itself (MGMD_LONG_CELLS=3 MGMD_LONG_RATE=1e15 ...).
SEEDS = [int(s) for s in os.environ.get("MGMD_LONG_SEEDS", "11,22,33").split(",")]
CELLS = int(os.environ.get("MGMD_LONG_CELLS", "8"))
RATE = float(os.environ.get("MGMD_LONG_RATE", "1e13"))   # K/s
HOLD = float(os.environ.get("MGMD_LONG_HOLD", "20"))     # ps at 2000 K
N = 4 * CELLS ** 3
STEPS_Q = int(round(1700 / (RATE * 1e-12) / 0.002))   # quench steps of 2 fs
EVERY = max(1, STEPS_Q // 850)                          # ~850 thermo lines per quench
POT = "/usr/share/lammps/potentials/CuZr_mm.eam.fs"
TOOL = os.path.join(mt.HERE, "..", "tools", "find-tg")
NP = int(os.environ.get("MGMD_LONG_RANKS", "1"))
JOBS = int(os.environ.get("MGMD_LONG_JOBS", str(max(1, (os.cpu_count() or 1) // NP))))


def tg_of(csv):
    out = subprocess.run([TOOL, csv, "--y", "vol", "--tmin", "300", "--tmax", "1900"], capture_output=True,
                         text=True, check=True).stdout
    line = [l for l in out.split("\n") if l.startswith("Tg =")][0].split()
    return float(line[2]), float(line[4])


def make_start(seed, wd):
    """The shared starting configuration of one seed (random alloy, 2000 K velocities)."""
    start = os.path.join(wd, "start.data")
    mt.run_mgmd(f"""units metal
create_alloy Cu64Zr36 lattice fcc 4.065 A cells {CELLS} {CELLS} {CELLS} seed {seed}
potential eam/fs CuZr_mm.eam.fs Cu Zr
velocity create 2000 K seed {seed}
write_data {start}
""", os.path.join(wd, "make"))
    return start


def mgmd_run(start, wd):
    mt.run_mgmd(f"""units metal
timestep 2 fs
read_data {start}
potential eam/fs CuZr_mm.eam.fs Cu Zr
neighbor skin 1.0 A every 1 check yes
ensemble npt temp 2000 K tdamp 0.2 ps press 0 bar pdamp 2 ps couple iso
hold 2000 K for {HOLD} ps
thermo every {EVERY} file quench.csv
quench from 2000 K to 300 K rate {RATE} K/s
thermo every {EVERY} file final.csv
hold 300 K for 10 ps
""", wd, np_=NP, timeout=7200)
    fin = mt.read_thermo(os.path.join(wd, "final.csv"))
    return fin["density"][1:].mean(), fin["pe"][1:].mean() / N, tg_of(os.path.join(wd, "quench.csv"))


def lammps_run(start, wd):
    steps_q = STEPS_Q
    steps_hold = int(round(HOLD / 0.002))
    inp = f"""units metal
atom_style atomic
read_data {start}
pair_style eam/fs
pair_coeff * * {POT} Cu Zr
neighbor 1.0 bin
neigh_modify every 1 delay 0 check yes
timestep 0.002
fix 1 all npt temp 2000 2000 0.2 iso 0 0 2.0
run {steps_hold}
unfix 1
fix 1 all npt temp 2000 300 0.2 iso 0 0 2.0
thermo_style custom step temp pe vol density
thermo_modify format float %.10g
thermo {EVERY}
log quench.log
run {steps_q}
unfix 1
fix 1 all npt temp 300 300 0.2 iso 0 0 2.0
log final.log
run 5000
"""
    with open(os.path.join(wd, "in.lmp"), "w") as f:
        f.write(inp)
    subprocess.run(mt.mpi_prefix(NP) + ["lmp", "-in", "in.lmp", "-log", "none", "-screen", "none"], cwd=wd,
                   check=True, timeout=7200)

    def table(log):
        rows, on = [], False
        for line in open(os.path.join(wd, log)):
            w = line.split()
            if w[:2] == ["Step", "Temp"]:
                on = True
                continue
            if on and w and w[0] == "Loop":
                break
            if on and len(w) == 5:
                rows.append([float(v) for v in w])
        return np.array(rows)

    q, fin = table("quench.log"), table("final.log")
    csv = os.path.join(wd, "quench.csv")
    with open(csv, "w") as f:
        f.write("step,temp[K],pe[eV],vol[A^3],density[g/cm^3]\n")
        for r in q:
            f.write(",".join(f"{v:.10g}" for v in r) + "\n")
    return fin[1:, 4].mean(), fin[1:, 2].mean() / N, tg_of(csv)


res = {"mgmd": [], "lammps": []}
with tempfile.TemporaryDirectory() as top, ThreadPoolExecutor(JOBS) as pool:
    jobs = []
    for seed in SEEDS:
        wd = os.path.join(top, f"seed{seed}")
        start = make_start(seed, wd)
        for code, fn in (("mgmd", mgmd_run), ("lammps", lammps_run)):
            os.makedirs(os.path.join(wd, code))
            jobs.append((seed, code, pool.submit(fn, start, os.path.join(wd, code))))
    for seed, code, job in jobs:
        r = job.result()
        res[code].append(r)
        print(f"seed {seed} {code:6s}: density {r[0]:.4f} g/cm^3, pe {r[1]:.5f} eV/atom, "
              f"Tg {r[2][0]:.0f} +- {r[2][1]:.0f} K", flush=True)

passed = failed = 0
for k, (name, unit) in enumerate((("density", "g/cm^3"), ("pe/atom", "eV"))):
    a = np.array([r[k] for r in res["mgmd"]])
    b = np.array([r[k] for r in res["lammps"]])
    se = np.sqrt(a.var(ddof=1) / len(a) + b.var(ddof=1) / len(b))
    ok = abs(a.mean() - b.mean()) <= 2 * se
    print(f"{'ok  ' if ok else 'FAIL'} {name}: mgmd {a.mean():.5f}, LAMMPS {b.mean():.5f} {unit}, "
          f"difference {a.mean() - b.mean():.2e}, combined SE {se:.2e} (2 SE allowed)")
    passed += ok
    failed += not ok
tga = np.mean([r[2][0] for r in res["mgmd"]])
tgb = np.mean([r[2][0] for r in res["lammps"]])
ok = abs(tga - tgb) <= 30
print(f"{'ok  ' if ok else 'FAIL'} Tg: mgmd {tga:.0f} K, LAMMPS {tgb:.0f} K (30 K allowed)")
passed += ok
failed += not ok
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
