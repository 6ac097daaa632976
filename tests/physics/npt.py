#!/usr/bin/python3
"""The NPT barostat (ensemble npt: Martyna-Tobias-Klein in LAMMPS' fix npt
form) samples the isothermal-isobaric ensemble, conserves its extended
energy, and couples only what it is told to.

Cu64Zr36 liquid, 500 atoms (tests/data/cuzr-liquid.data; the triclinic
checks use tests/data/cuzr-triclinic.data), Mendelev's CuZr_mm.eam.fs,
1500 K, tdamp 0.1 ps, pdamp 1 ps, 2 fs steps unless said otherwise.

1. iso, 0 bar: mgmd and LAMMPS (`fix npt temp 1500 1500 0.1 iso 0 0 1.0`,
   Debian's lmp) each run 10,500 steps (21 ps) from the same data file,
   which LAMMPS equilibrated at 1500 K and 0 bar; the first 1 ps is
   dropped and the remaining 20 ps, sampled every 20 fs, is cut into 10
   blocks of 2 ps. Measured on 100 ps runs of both codes, the volume
   autocorrelation oscillates with a ~0.4 ps period (the barostat period
   for this bulk modulus B, 2 pi taup sqrt((N+1) kT / (3 B V)), is shorter
   than taup) and has decayed below 0.1 by ~3 ps; its integrated
   correlation time is ~0.1 ps, so 2 ps blocks are nearly independent.
   (The pressure's block SE overestimates its error: the barostat
   integrates P - P0, which anti-correlates it.) Checks, 4 block SE each:
   - <P> = 0 bar (SE ~30-50 bar; the instantaneous std is ~5000 bar);
   - <rho> of mgmd = <rho> of LAMMPS within 4 sqrt(SE_m^2 + SE_L^2) (SE
     ~0.003 g/cm^3 each, 0.05% of rho);
   - <T> = 1500 K.
   For reference, 100 ps runs gave rho = 7.1398 +- 0.0011 (mgmd) and
   7.1384 +- 0.0013 g/cm^3 (LAMMPS), <P> = -4 +- 15 and -2 +- 12 bar.
2. Conserved quantity (econserve = E + both chains' energies + sum W
   omega_dot^2 / 2 + P V): the least-squares slope of econserve/N against
   step is below 1e-5 eV/atom per 1000 steps in the iso, aniso and tri
   runs (its sampling noise, measured on 100 ps: 1.7e-6 over 3000 steps at
   2 fs, 3e-7 over 10,500). The
   bound: an NPT step is the NVE velocity-Verlet step with exactly
   integrated sub-flows (chain and strain-rate exponentials, affine box
   maps) inserted symmetrically, so its error is of the same order in dt
   as velocity Verlet's, and the bound is the NVE acceptance of issue 2
   (tests/physics/nve_conservation.py), which the NVT chain also meets at
   2 fs. Over the 10,500 iso steps it allows 1.05e-4 eV/atom, 0.08% of
   kT; 100 ps runs drift by ~3e-8 eV/atom per 1000 steps, and econserve/N
   fluctuates by ~7e-6 eV about its trend.
3. couple aniso axes z at 5 kbar (where P V is large), 1 ps at 1 fs and
   again at 0.5 fs: the x and y box bounds in every dump frame are
   bit-identical to the data file's, the z length changes, and both runs
   conserve their quantity. The error of econserve is O(dt^2): its
   fluctuation about the linear trend must shrink by more than 3 when dt
   halves (measured 4.0-4.2 over 0.5-2 ps windows). An inconsistent term
   leaves an error that does not shrink with dt: without the MTK velocity
   term (an O(1/N) effect, invisible in the drift) the ratio is 2.0;
   without P V at 5 kbar, about 1.
4. couple tri on the triclinic liquid at 0 bar (3000 steps, 6 ps; 5
   blocks of 1.2 ps, the off-diagonal pressures decorrelate within ~0.5
   ps): the three tilts change (by more than 0.05 A; in a liquid they
   random-walk by ~1 A in 6 ps), and <Pxy>, <Pxz>, <Pyz> are 0 within 4
   block SE (SE ~100-500 bar).
5. Box flip: the triclinic liquid sheared to xy = 0.4999 lx and relaxed
   (500 steps NVT), then 1000 steps of tri NPT: the tilt random-walks
   across lx/2, where mgmd must replace the cell by the equivalent one
   with xy - lx (as LAMMPS does); every dumped tilt stays within half the
   box length, at least one flip is reported, econserve is continuous.

Cost: about 28,000 MD steps of 500 atoms (~100 s of CPU); LAMMPS runs
concurrently with mgmd's own runs, so the wall time is ~60 s on two cores.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import mgmdtest as mt

N = 500
T0 = 1500.0
EQ, PROD, EVERY, NBLOCK = 500, 10000, 10, 10
DRIFT_TOL = 1e-5  # eV/atom per 1000 steps (issue 2's NVE bound)
POT = "/usr/share/lammps/potentials/CuZr_mm.eam.fs"
checks = mt.Checks()


def check(name, ok, text):
    """The shared tally (tests/mgmdtest.py), with the measured values shown."""
    checks(ok, f"{name}: {text}")


def block_mean(x, nblock):
    b = np.array([q.mean() for q in np.array_split(x, nblock)])
    return x.mean(), b.std(ddof=1) / np.sqrt(nblock)


def drift(th):
    """Slope of econserve/N against step, eV/atom per 1000 steps."""
    return np.polyfit(th["step"], th["econserve"] / N, 1)[0] * 1000.0


def lammps_thermo(text):
    """The last thermo table in LAMMPS' screen output -> dict of arrays."""
    rows, names = [], None
    for line in text.splitlines():
        w = line.split()
        if w[:1] == ["Step"]:
            names, rows = [n.lower() for n in w], []
        elif names and w and w[0] == "Loop":
            break
        elif names and len(w) == len(names):
            try:
                rows.append([float(v) for v in w])
            except ValueError:
                pass
    a = np.array(rows)
    return {n: a[:, k] for k, n in enumerate(names)}


def dump_boxes(path):
    """Box of every frame of a LAMMPS-style dump: list of (step, lo, hi,
    tilt); for a triclinic box lo/hi are the bounding box."""
    frames = []
    with open(path) as f:
        lines = f.read().split("\n")
    k = 0
    while k < len(lines):
        if lines[k].startswith("ITEM: TIMESTEP"):
            step = int(lines[k + 1])
        elif lines[k].startswith("ITEM: BOX BOUNDS"):
            rows = [[float(v) for v in lines[k + 1 + d].split()] for d in range(3)]
            lo = np.array([r[0] for r in rows])
            hi = np.array([r[1] for r in rows])
            tilt = np.array([r[2] for r in rows]) if len(rows[0]) == 3 else np.zeros(3)
            frames.append((step, lo, hi, tilt))
            k += 3
        k += 1
    return frames


def true_box(lo_b, hi_b, tilt):
    """LAMMPS' bounding box of a triclinic dump back to xlo/xhi etc."""
    xy, xz, yz = tilt
    xlo = lo_b[0] - min(0.0, xy, xz, xy + xz)
    xhi = hi_b[0] - max(0.0, xy, xz, xy + xz)
    ylo = lo_b[1] - min(0.0, yz)
    yhi = hi_b[1] - max(0.0, yz)
    return np.array([xlo, ylo, lo_b[2]]), np.array([xhi, yhi, hi_b[2]])


def deck(data, ens, steps, extra=""):
    return f"""units metal
timestep 2 fs
read_data {data}
potential eam/fs CuZr_mm.eam.fs Cu Zr
{extra}ensemble {ens}
thermo every {EVERY} file thermo.csv
dump box every 100 file box.dump columns id
run {steps}
"""


LIQUID = os.path.join(mt.DATA, "cuzr-liquid.data")
TRICLINIC = os.path.join(mt.DATA, "cuzr-triclinic.data")
NPT = "npt temp 1500 K tdamp 0.1 ps press {p} pdamp 1 ps"

with tempfile.TemporaryDirectory() as wd:
    # ---- 1. iso against LAMMPS (LAMMPS in the background) --------------
    lmp = shutil.which("lmp")
    if not lmp:
        print("FAIL lammps: lmp not found (Debian package lammps)")
        print("0 passed, 1 failed")
        sys.exit(1)
    ldir = os.path.join(wd, "lammps")
    os.makedirs(ldir)
    with open(os.path.join(ldir, "in.lmp"), "w") as f:
        f.write(f"""units metal
atom_style atomic
boundary p p p
read_data {LIQUID}
pair_style eam/fs
pair_coeff * * {POT} Cu Zr
timestep 0.002
fix 1 all npt temp 1500 1500 0.1 iso 0 0 1.0
thermo_style custom step temp press density vol
thermo_modify format float %.10g
thermo {EVERY}
run {EQ + PROD}
""")
    lout = open(os.path.join(ldir, "screen"), "w")  # a file: a pipe would fill and stall lmp
    lproc = subprocess.Popen([lmp, "-in", "in.lmp", "-log", "none"], cwd=ldir, stdout=lout,
                             stderr=subprocess.STDOUT)

    mdir = os.path.join(wd, "iso")
    mt.run_mgmd(deck(LIQUID, NPT.format(p="0 bar"), EQ + PROD), mdir)
    th = mt.read_thermo(os.path.join(mdir, "thermo.csv"))
    prod = th["step"] >= EQ
    pm, pse = block_mean(th["press"][prod], NBLOCK)
    check("iso mean pressure", abs(pm) < 4 * pse, f"<P> = {pm:.1f} +- {pse:.1f} bar (4 SE allowed), target 0 bar")
    tm, tse = block_mean(th["temp"][prod], NBLOCK)
    check("iso mean temperature", abs(tm - T0) < 4 * tse, f"<T> = {tm:.1f} +- {tse:.1f} K, target {T0:.0f} K")
    s = drift(th)
    check("iso conserved quantity", abs(s) < DRIFT_TOL,
          f"drift {s:.2e} eV/atom per 1000 steps over {EQ + PROD} steps (tol {DRIFT_TOL:g})")

    # ---- 3. aniso, z only, at 5 kbar; conservation is O(dt^2) ----------
    fluct = {}
    d0 = mt.read_data(LIQUID)
    lz0 = d0["hi"][2] - d0["lo"][2]
    for dt_fs, steps in ((1.0, 1000), (0.5, 2000)):
        adir = os.path.join(wd, f"aniso-{dt_fs}")
        text = deck(LIQUID, NPT.format(p="5 kbar") + " couple aniso axes z", steps)
        mt.run_mgmd(text.replace("timestep 2 fs", f"timestep {dt_fs} fs"), adir)
        ta = mt.read_thermo(os.path.join(adir, "thermo.csv"))
        frames = dump_boxes(os.path.join(adir, "box.dump"))
        xy_fixed = all(np.array_equal(lo[:2], d0["lo"][:2]) and np.array_equal(hi[:2], d0["hi"][:2])
                       for _, lo, hi, _ in frames)
        lz = np.array([hi[2] - lo[2] for _, lo, hi, _ in frames])
        check(f"aniso z, {dt_fs} fs: x and y fixed", xy_fixed and len(frames) == steps // 100 + 1,
              f"{len(frames)} frames, x and y bounds bit-identical to the data file's: {xy_fixed}")
        check(f"aniso z, {dt_fs} fs: z moves", np.ptp(lz) > 0.02,
              f"lz from {lz0:.4f} A: range {lz.min():.4f}..{lz.max():.4f} A")
        e = ta["econserve"] / N
        c = np.polyfit(ta["step"], e, 1)
        fluct[dt_fs] = (e - np.polyval(c, ta["step"])).std()
        check(f"aniso conserved quantity, {dt_fs} fs (5 kbar)", abs(c[0] * 1000) < DRIFT_TOL,
              f"drift {c[0] * 1000:.2e} eV/atom per 1000 steps (tol {DRIFT_TOL:g}); fluctuation "
              f"{fluct[dt_fs]:.2e} eV/atom")
    ratio = fluct[1.0] / fluct[0.5]
    check("conserved quantity is O(dt^2)", ratio > 3.0,
          f"fluctuation about the trend at 1 fs / at 0.5 fs = {ratio:.2f} (4 for a consistent splitting; "
          f"more than 3 required)")

    # ---- 4. tri --------------------------------------------------------
    tdir = os.path.join(wd, "tri")
    mt.run_mgmd(deck(TRICLINIC, NPT.format(p="0 bar") + " couple tri", 3000), tdir)
    tt = mt.read_thermo(os.path.join(tdir, "thermo.csv"))
    dt0 = mt.read_data(TRICLINIC)
    frames = dump_boxes(os.path.join(tdir, "box.dump"))
    dtilt = np.array([t - dt0["tilt"] for _, _, _, t in frames])
    moved = np.abs(dtilt).max(axis=0)
    check("tri: tilts change", (moved > 0.05).all(),
          f"largest |change| of xy, xz, yz: {moved[0]:.3f}, {moved[1]:.3f}, {moved[2]:.3f} A")
    for c in ("pxy", "pxz", "pyz"):
        m, se = block_mean(tt[c][1:], 5)
        check(f"tri mean {c}", abs(m) < 4 * se, f"<{c}> = {m:.0f} +- {se:.0f} bar (4 SE allowed), target 0")
    s = drift(tt)
    check("tri conserved quantity", abs(s) < DRIFT_TOL, f"drift {s:.2e} eV/atom per 1000 steps (tol {DRIFT_TOL:g})")

    # ---- 5. box flip ---------------------------------------------------
    fdir = os.path.join(wd, "flip")
    os.makedirs(fdir)
    L = dt0["hi"] - dt0["lo"]
    xy, xz, yz = dt0["tilt"]
    H = np.array([[L[0], xy, xz], [0, L[1], yz], [0, 0, L[2]]])
    lam = np.linalg.solve(H, (dt0["x"] - dt0["lo"]).T).T
    H[0, 1] = 0.4999 * L[0]
    x = lam @ H.T + dt0["lo"]
    with open(os.path.join(fdir, "tilted.data"), "w") as f:
        f.write("cuzr-triclinic sheared to xy = 0.4999 lx (tests/physics/npt.py)\n\n500 atoms\n2 atom types\n\n")
        for k, n in enumerate("xyz"):
            f.write(f"{dt0['lo'][k]!r} {dt0['hi'][k]!r} {n}lo {n}hi\n")
        f.write(f"{H[0, 1]!r} {xz!r} {yz!r} xy xz yz\n\nMasses\n\n")
        for t, m in sorted(dt0["masses"].items()):
            f.write(f"{t} {m!r}\n")
        f.write("\nAtoms # atomic\n\n")
        for i in range(len(x)):
            f.write(f"{dt0['id'][i]} {dt0['type'][i]} {x[i, 0]!r} {x[i, 1]!r} {x[i, 2]!r} "
                    f"{dt0['image'][i, 0]} {dt0['image'][i, 1]} {dt0['image'][i, 2]}\n")
        f.write("\nVelocities\n\n")
        for i in range(len(x)):
            f.write(f"{dt0['id'][i]} {dt0['v'][i, 0]!r} {dt0['v'][i, 1]!r} {dt0['v'][i, 2]!r}\n")
    p = mt.run_mgmd(f"""units metal
timestep 2 fs
read_data tilted.data
potential eam/fs CuZr_mm.eam.fs Cu Zr
ensemble nvt temp 1500 K tdamp 0.1 ps
run 500
ensemble {NPT.format(p="0 bar")} couple tri
thermo every {EVERY} file thermo.csv
dump box every 10 file box.dump columns id
run 1000
""", fdir)
    flips = len(re.findall(r"box flipped", p.stdout))
    frames = dump_boxes(os.path.join(fdir, "box.dump"))
    worst = 0.0
    for _, lo_b, hi_b, t in frames:
        lo, hi = true_box(lo_b, hi_b, t)
        Lf = hi - lo
        worst = max(worst, abs(t[0]) / Lf[0], abs(t[1]) / Lf[0], abs(t[2]) / Lf[1])
    tf = mt.read_thermo(os.path.join(fdir, "thermo.csv"))
    jump = np.abs(np.diff(tf["econserve"])).max() / N
    check("tri box flip", flips >= 1 and worst <= 0.5 + 1e-9 and jump < 1e-4,
          f"{flips} flip(s); largest tilt/length in {len(frames)} frames {worst:.4f} (<= 0.5); largest "
          f"econserve step {jump:.1e} eV/atom")

    # ---- 1 (continued). LAMMPS ----------------------------------------
    lproc.wait(timeout=1800)
    lout.close()
    with open(os.path.join(ldir, "screen")) as f:
        out = f.read()
    if lproc.returncode != 0:
        sys.stderr.write(out[-3000:])
        check("lammps run", False, f"lmp exited with {lproc.returncode}")
    else:
        lt = lammps_thermo(out)
        lprod = lt["step"] >= EQ
        rm, rse = block_mean(th["density"][prod], NBLOCK)
        lm, lse = block_mean(lt["density"][lprod], NBLOCK)
        se = np.hypot(rse, lse)
        check("iso density vs LAMMPS", abs(rm - lm) < 4 * se,
              f"mgmd {rm:.5f} +- {rse:.5f}, LAMMPS {lm:.5f} +- {lse:.5f} g/cm^3: difference {rm - lm:+.5f} "
              f"({abs(rm - lm) / se:.1f} combined SE; 4 allowed)")
        lpm, lpse = block_mean(lt["press"][lprod], NBLOCK)
        print(f"     LAMMPS <P> = {lpm:.1f} +- {lpse:.1f} bar, <T> = {lt['temp'][lprod].mean():.1f} K")

checks.finish()
