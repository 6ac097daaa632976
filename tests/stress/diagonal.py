#!/usr/bin/python3
"""Each diagonal pressure component barostatted to its own target, and
lateral control under a strain fixed by hand (uniaxial stress and
uniaxial strain).

fcc Cu crystal (stcommon.py: 500 atoms, Cu_mishin1.eam.alloy, cube axes
along x, y, z, equilibrated at 300 K and 0 bar), tdamp 0.1 ps, pdamp 1 ps,
2 fs steps, thermo every 5 steps. Averages over 20 ps after 2 ps (the box
reaches its target strain within ~0.5 ps), standard errors from ten 2 ps
blocks (why 2 ps: stcommon.block_mean). Each controlled diagonal
component must average its target less kT/V (the isothermal-isobaric
virial theorem of the MTK equations, stcommon.mtk_offset: ~7 bar) within
3 block SE (SE 15-50 bar; a wrong target, sign or coupling is off by
1000s of bar).

1. Uniaxial stress: `xx 1 GPa yy 0 zz 0` (a compressive pressure along x,
   stress sigma_xx = -1 GPa; y and z stress-free). <p_xx> = 1 GPa, <p_yy>
   = <p_zz> = 0 within 3 SE; the crystal shortens along x and widens
   along y and z, by the same amount in y and z (cubic symmetry: the
   lateral strains agree within 3 SE of their difference). For reference
   it prints the strains and the [100] Young's modulus and Poisson ratio
   they give (0 K values of the potential: E = (C11-C12)(C11+2C12)/(C11+
   C12) = 67.1 GPa, nu = C12/(C11+C12) = 0.419).
2. Uniaxial strain, lateral stress control: x compressed by 1 % by hand
   (`change_box all x scale 0.99 remap`), then `yy 0 zz 0` (x not
   controlled): lx is bit-identical in every thermo line; <p_yy>, <p_zz>
   = 0 within 3 SE; p_xx is compressive and far from zero (> 20 SE; ~0.6
   GPa for E ~ 60-67 GPa at 300 K and 1 %).
3. Spellings: `xx 1 GPa yy 0 zz 0`, LAMMPS' `x 1 GPa y 0 z 0`, and `press
   0 xx 1 GPa` (press covers the axes without a target) give bitwise the
   same thermo over 200 steps; so do `yy 0 zz 0` and `press 0 couple aniso
   axes yz` on the strained box.
About 15 s of CPU (31,000 steps of 500 atoms; 30-40 s on two shared cores)."""
import os
import tempfile

import numpy as np

import stcommon as sc

mt = sc.mt
check = mt.Checks()
EQ, PROD = 1000, 10000  # steps: 2 ps, 20 ps


def read_rows(wd):
    with open(os.path.join(wd, "thermo.csv")) as f:
        return f.read()


def expect_targets(name, th, targets):
    """<p_q> = target (bar; less kT/V on the diagonal) within 3 block SE."""
    V = th["vol"][th["step"] >= EQ].mean()
    for c, p in targets.items():
        m, se, nb = sc.block(th, c, EQ)
        want = p - (sc.mtk_offset(V) if c in ("pxx", "pyy", "pzz") else 0.0)
        check(abs(m - want) < 3 * se,
              f"{name}: <{c}> = {m:.1f} +- {se:.1f} bar ({nb} blocks of {sc.BLOCK_PS:g} ps), target {p:g} bar "
              f"({p / sc.GPA:g} GPa) less kT/V = {want:.1f} bar: {abs(m - want) / se:.1f} SE (3 allowed)")


with tempfile.TemporaryDirectory() as wd:
    eq = sc.prep(wd)
    L0 = np.full(3, 5 * sc.A300)  # the mean 0 bar box at 300 K (stcommon.prep)

    # ---- 1. uniaxial stress ---------------------------------------------
    a = os.path.join(wd, "uniaxial")
    p = mt.run_mgmd(sc.npt_deck(eq, "xx 1 GPa yy 0 zz 0", EQ + PROD), a)
    check("barostat targets xx 10000 bar (1 GPa), yy 0 bar (0 GPa), zz 0 bar (0 GPa); each axis on its own"
          in p.stdout, "uniaxial: the ensemble line reports what it controls")
    th = sc.thermo(a)
    expect_targets("uniaxial xx 1 GPa", th, {"pxx": 1e4, "pyy": 0.0, "pzz": 0.0})
    eps = {}
    for k, c in enumerate(("lx", "ly", "lz")):
        m, se, _ = sc.block(th, c, EQ)
        eps[c] = (m / L0[k] - 1.0, se / L0[k])
    dyz = sc.block_mean((th["ly"] / L0[1] - th["lz"] / L0[2])[th["step"] >= EQ], int(sc.BLOCK_PS / (sc.EVERY * sc.DT)))
    check(eps["lx"][0] < -20 * eps["lx"][1] and eps["ly"][0] > 5 * eps["ly"][1] and eps["lz"][0] > 5 * eps["lz"][1]
          and abs(dyz[0]) < 3 * dyz[1],
          f"uniaxial: strains from the 0 bar box: xx {eps['lx'][0]:.5f} +- {eps['lx'][1]:.5f}, yy "
          f"{eps['ly'][0]:.5f} +- {eps['ly'][1]:.5f}, zz {eps['lz'][0]:.5f} +- {eps['lz'][1]:.5f}; yy - zz = "
          f"{dyz[0]:.5f} +- {dyz[1]:.5f} (cubic symmetry: 0 within 3 SE)")
    E = 1.0 / -eps["lx"][0]
    nu = -0.5 * (eps["ly"][0] + eps["lz"][0]) / eps["lx"][0]
    print(f"     [100] Young's modulus at 300 K, 1 GPa: {E:.1f} GPa, Poisson ratio {nu:.3f} (0 K, small strain: "
          f"67.1 GPa, 0.419)")

    # ---- 3a. spellings (short runs) -------------------------------------
    texts = {}
    for spell in ("xx 1 GPa yy 0 zz 0", "x 1 GPa y 0 z 0", "press 0 xx 1 GPa", "zz 0 bar xx 10 kbar yy 0 GPa"):
        s = os.path.join(wd, "spell-" + spell.replace(" ", "_"))
        mt.run_mgmd(sc.npt_deck(eq, spell, 200), s)
        texts[spell] = read_rows(s)
    first = texts["xx 1 GPa yy 0 zz 0"]
    check(all(t == first for t in texts.values()) and first.count("\n") > 40,
          "spellings " + ", ".join(f"'{k}'" for k in texts) + ": thermo bitwise identical over 200 steps")

    # ---- 2. uniaxial strain, lateral control ----------------------------
    b = os.path.join(wd, "strain")
    mt.run_mgmd(sc.npt_deck(eq, "yy 0 zz 0", EQ + PROD, extra="change_box all x scale 0.99 remap\n"), b)
    tb = sc.thermo(b)
    with open(os.path.join(b, "thermo.csv")) as f:
        head = f.readline().strip().split(",")
        col = [h.split("[")[0] for h in head].index("lx")
        lx_text = {line.split(",")[col] for line in f}
    check(len(lx_text) == 1 and abs(float(lx_text.pop()) - 0.99 * L0[0]) < 1e-12 * L0[0],
          f"uniaxial strain: lx the same in all {len(tb['step'])} thermo lines (to all 17 digits), 0.99 of the "
          f"0 bar length")
    expect_targets("uniaxial strain, yy zz 0", tb, {"pyy": 0.0, "pzz": 0.0})
    m, se, nb = sc.block(tb, "pxx", EQ)
    check(m > 20 * se, f"uniaxial strain: <pxx> = {m:.0f} +- {se:.0f} bar = {m / sc.GPA:.3f} GPa, compressive "
          f"(> 20 SE); with the [100] modulus of case 1, 1 % gives {0.01 * E:.3f} GPa")

    # ---- 3b. the same lateral control spelt with press and axes ---------
    texts = []
    for spell in ("yy 0 zz 0", "press 0 couple aniso axes yz"):
        s = os.path.join(wd, "lat-" + spell.replace(" ", "_"))
        mt.run_mgmd(sc.npt_deck(eq, spell, 200, extra="change_box all x scale 0.99 remap\n"), s)
        texts.append(read_rows(s))
    check(texts[0] == texts[1], "lateral control: 'yy 0 zz 0' and 'press 0 couple aniso axes yz' give bitwise the "
          "same thermo over 200 steps")

check.finish()
