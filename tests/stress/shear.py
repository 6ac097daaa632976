#!/usr/bin/python3
"""A constant shear-stress target: the barostat drives the tilt until the
mean p_xy is the target, and the tilt settles at the strain sigma/C44.

fcc Cu crystal (stcommon.py: 500 atoms, Cu_mishin1.eam.alloy, cube axes
along x, y, z, 300 K, the mean 0 bar box, made triclinic with zero tilts),
tdamp 0.1 ps, pdamp 1 ps, 2 fs steps. Averages after 2 ps, standard errors
from 2 ps blocks (stcommon.block_mean).

1. `xx 0 yy 0 zz 0 xy -0.5 GPa` for 2 + 20 ps: p_xy = -0.5 GPa is a shear
   stress sigma_xy = +0.5 GPa (stress = -pressure), in the elastic regime
   of the crystal (strain ~0.7 %). Checks: <p_xy> = -5000 bar and <p_aa> =
   -kT/V (stcommon.mtk_offset) within 3 SE; the uncontrolled tilts xz and
   yz stay exactly 0 (h' = exp(omega_dot t) h maps zero tilts to zero when
   omega_xz = omega_yz = 0); the engineering shear strain gamma = <xy/ly>
   equals sigma/C44 within 10 %. C44 at 300 K from LAMMPS on the same
   potential and box: NVT at 300 K with the box sheared to xy = +-0.01 ly
   (change_box ... remap), 2 ps to settle and 20 ps averaged each, C44 =
   (p_xy(-) - p_xy(+)) / 0.02 (central difference: the cubic term is odd,
   so exact to O(gamma^2); its SE from 2 ps blocks, ~1 %: measured 71.5 +-
   0.4 GPa, and gamma 0.00687 against 0.00699, -1.7 %). For reference
   the potential's published 0 K value is 76.2 GPa; thermal softening
   makes the 300 K value several % lower. The 10 % covers the two SEs (~1 %
   each) and the nonlinearity between strains 0.7 % and 1 % (< 1 %).
2. Creep-style control of one tilt: `xy -0.5 GPa` alone for 2 + 16 ps:
   only xy moves (lx, ly, lz, xz, yz identical in every thermo line, to
   all 17 digits); <p_xy> = -5000 bar within 3 SE.
About 40 s (mgmd 22,000 steps; LAMMPS 24,000 in parallel)."""
import os
import tempfile

import numpy as np

import stcommon as sc

mt = sc.mt
check = mt.Checks()
EQ = 1000          # steps (2 ps)
GAMMA_L = 0.01     # LAMMPS reference shear
SIGMA = 0.5        # GPa, shear stress = -p_xy target


def column_text(wd, name):
    with open(os.path.join(wd, "thermo.csv")) as f:
        head = [h.split("[")[0] for h in f.readline().strip().split(",")]
        k = head.index(name)
        return {line.split(",")[k] for line in f}


if not sc.lammps_exe():
    check(False, "LAMMPS (lmp or $MGMD_LAMMPS) is needed for C44")
    check.finish()

with tempfile.TemporaryDirectory() as wd:
    sc.prep(wd)
    tri = os.path.join(wd, "eqtri.data")
    ly = 5 * sc.A300

    # ---- LAMMPS C44 at 300 K (background) --------------------------------
    lmp = {}
    for sign in (1, -1):
        d = os.path.join(wd, f"lammps{sign:+d}")
        extra = f"change_box all xy final {sign * GAMMA_L * ly!r} remap units box\n"
        text = sc.lammps_input(tri, "nvt temp 300 300 0.1", 10000, extra=extra, every=sc.EVERY,
                               cols="step temp pxx pyy pzz pxy")
        # settle 2 ps first: the last thermo table is the production run's
        text = text.replace("run 10000\n", "thermo 1000\nrun 1000\nthermo %d\nrun 10000\n" % sc.EVERY)
        lmp[sign] = (d, sc.lammps_start(d, text))

    # ---- 1. xy target with stress-free diagonals -------------------------
    a = os.path.join(wd, "shear")
    mt.run_mgmd(sc.npt_deck(tri, "xx 0 yy 0 zz 0 xy -0.5 GPa", EQ + 10000), a)
    th = sc.thermo(a)
    V = th["vol"][th["step"] >= EQ].mean()
    for c, p in (("pxy", -SIGMA * sc.GPA), ("pxx", 0.0), ("pyy", 0.0), ("pzz", 0.0)):
        m, se, nb = sc.block(th, c, EQ)
        want = p - (sc.mtk_offset(V) if c != "pxy" else 0.0)
        check(abs(m - want) < 3 * se, f"shear: <{c}> = {m:.1f} +- {se:.1f} bar ({nb} blocks), target {p:g} bar "
              f"(kT/V taken off the diagonal: {want:.1f}): {abs(m - want) / se:.1f} SE (3 allowed)")
    zero = column_text(a, "xz") | column_text(a, "yz")
    check(all(float(v) == 0.0 for v in zero), f"shear: xz and yz exactly 0 in every line ({sorted(zero)})")
    keep = th["step"] >= EQ
    g, gse, _ = sc.block_mean(th["xy"][keep] / th["ly"][keep], int(sc.BLOCK_PS / (sc.EVERY * sc.DT)))

    # ---- 2. only xy controlled --------------------------------------------
    b = os.path.join(wd, "creep")
    mt.run_mgmd(sc.npt_deck(tri, "xy -0.5 GPa", EQ + 8000), b)
    tb = sc.thermo(b)
    fixed = {c: column_text(b, c) for c in ("lx", "ly", "lz", "xz", "yz")}
    check(all(len(v) == 1 for v in fixed.values()) and len(column_text(b, "xy")) > 100,
          f"creep: only xy moves: lx ly lz xz yz each one value in all {len(tb['step'])} lines "
          f"({', '.join(f'{c} {next(iter(v))}' for c, v in fixed.items())}); xy takes "
          f"{len(column_text(b, 'xy'))} values")
    m, se, nb = sc.block(tb, "pxy", EQ)
    check(abs(m + SIGMA * sc.GPA) < 3 * se, f"creep: <pxy> = {m:.1f} +- {se:.1f} bar ({nb} blocks), target "
          f"{-SIGMA * sc.GPA:g} bar: {abs(m + SIGMA * sc.GPA) / se:.1f} SE (3 allowed)")

    # ---- 1 (continued): strain against sigma/C44 --------------------------
    pxy = {}
    for sign, (d, proc) in lmp.items():
        lt = sc.lammps_finish(d, proc)
        if lt is None:
            check(False, f"LAMMPS NVT at xy = {sign * GAMMA_L:+g} ly failed")
            check.finish()
        pxy[sign] = sc.block_mean(lt["pxy"][1:], int(sc.BLOCK_PS / (sc.EVERY * sc.DT)))
    c44 = (pxy[-1][0] - pxy[1][0]) / (2 * GAMMA_L) / sc.GPA
    c44_se = np.hypot(pxy[-1][1], pxy[1][1]) / (2 * GAMMA_L) / sc.GPA
    want = SIGMA / c44
    check(abs(g - want) < 0.1 * want,
          f"shear: strain gamma = <xy/ly> = {g:.5f} +- {gse:.5f}; sigma/C44 = {SIGMA} GPa / {c44:.1f} GPa "
          f"(+- {c44_se:.1f}, LAMMPS NVT at +-{GAMMA_L} shear, 300 K) = {want:.5f}: {100 * (g / want - 1):+.1f} % "
          f"(10 % allowed; C44 this gives {SIGMA / g:.1f} GPa; the potential's 0 K C44 is 76.2 GPa)")

check.finish()
