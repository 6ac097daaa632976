#!/usr/bin/python3
"""Formulas (src/core/expr.c, src/deck/variables.c) against known values.

1. Arithmetic, precedence, unary minus, logic, functions and rounding:
   every expression LAMMPS can evaluate is printed by LAMMPS (`print
   "$(EXPR)"`, run in this test on the same text) and by mgmd; the values
   must agree to 2 ulp (both evaluate in double with the C library).
2. Thermo keywords and group functions LAMMPS has (pe, press, pxy, temp,
   lx, count(G), xcm(G,x), ...), on the Cu-Zr liquid after `run 0`: against
   LAMMPS to 1e-10 relative (cross-code round-off of the EAM sums).
3. What LAMMPS lacks: two-argument min and max, numbers with units (closed forms from the unit
   definitions: 1 GPa = 1e9 Pa = 1e4 bar, 1 fs = 1e-3 ps, 1 K/s = 1e-12
   K/ps, ...), temp(G) and ke(G) against NumPy on the dumped velocities
   (2 KE / ((3N-3) kB)), mass(G) from the data file's masses.
4. equal variables referring to each other, ${NAME} and $(FORMULA:FORMAT)
   substitution, and the immediate/frozen kinds (equal is evaluated when
   used, string when defined)."""
import math
import os
import re
import subprocess
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import mgmdtest as mt  # noqa: E402
from groups.gcommon import read_dump  # noqa: E402

check = mt.Checks()

# Evaluated by both codes.
MATH = [
    "-2^2", "2^3^2", "2^-1", "-3^2*2", "2*-3", "10-2-3", "2/4/2", "(2+3)*4", "-(2^2)", "-2^-2",
    "7%3", "-7%3", "7.5%2", "2*10%3", "10%3*2",
    "1<2", "2<1", "1<=1", "2>=3", "1==1", "1!=1", "!0", "!3", "1&&0", "1||0", "1|^1", "0|^1",
    "1<2<3", "3>2>1", "1==1==1", "2+3>4", "!1+1", "-!0", "1+2==3", "3 - -2", "-(-3)",
    "sqrt(2)", "exp(1)", "ln(10)", "log(100)", "log(2)", "abs(-3.5)", "sin(0.5)", "cos(0.5)", "tan(0.5)",
    "asin(0.5)", "acos(0.5)", "atan(0.5)", "atan2(1,-1)", "floor(-1.5)", "ceil(-1.5)",
    "round(2.5)", "round(-2.5)", "round(-2.6)", "round(0.49999999999999994)",
    "PI", "PI/2*2", "1e3", "1.5e-3", ".5", "2^0.5", "sqrt(2)^2", "1/3", "2*3+4*5", "2+3*4^2",
    "(1+2)*(3+4)/7", "2^3*2", "2*3^2", "0^0", "2^0", "(-2)^0", "(-2)^3",
    "v_a*2", "v_a^2", "-v_a^2", "v_b+v_a", "2*(v_a+1)",
]
# Thermo keywords and group functions LAMMPS knows (after run 0).
THERMO = ["step", "temp", "pe", "ke", "etotal", "press", "pxx", "pyy", "pzz", "pxy", "pxz", "pyz", "vol",
          "density", "enthalpy", "lx", "ly", "lz", "xlo", "xhi", "yz", "atoms", "pe/atoms", "press*vol",
          "count(cu)", "count(all)", "mass(zr)", "xcm(cu,x)", "xcm(all,z)", "vcm(zr,y)", "fcm(cu,x)", "ke(all)"]
# mgmd only: (expression, value derived here).
KB, MVV2E = 8.617343e-5, 1.0364269e-4
UNITS = [
    ("2 fs", 2e-3), ("1 GPa", 1e9 / 1e5), ("1e13 K/s", 1e13 * 1e-12), ("3 nm", 30.0), ("1 atm", 101325 / 1e5),
    ("90 deg", 90.0), ("1 rad", 180 / math.pi), ("2 ns", 2000.0), ("1 kbar + 1 bar", 1001.0),
    ("0.06 A^-3", 0.06), ("60 nm^-3", 0.06), ("100 m/s", 100 * 1e10 / 1e12), ("1 nN", 1e-9 / 1.602176634e-19 / 1e10),
    ("2 * 300 K", 600.0), ("1 MPa * 2", 20.0), ("10 K/ps * 2 ps", 20.0), ("-5 fs", -5e-3),
    # Two-argument min and max (LAMMPS' min() and max() take a vector only).
    ("min(3,-2)", -2.0), ("max(3,-2)", 3.0), ("min(1,max(2,3))", 1.0), ("max(2^2,-2^2)", 4.0),
]


def close(a, b, rel):
    return a == b or abs(a - b) <= rel * max(abs(a), abs(b))


def values(stdout, tag):
    """Lines 'TAG<k> <value>' -> {k: float}."""
    out = {}
    for line in stdout.splitlines():
        m = re.fullmatch(rf"{tag}(\d+) (\S+)", line.strip())
        if m:
            out[int(m.group(1))] = float(m.group(2))
    return out


setup_lmp = f"""units metal
atom_style atomic
read_data {mt.DATA}/cuzr-liquid.data
pair_style eam/fs
pair_coeff * * CuZr_mm.eam.fs Cu Zr
group cu type 1
group zr type 2
variable a equal 3
variable b equal v_a*2
thermo_style custom step temp pe press pxx pyy pzz pxy pxz pyz enthalpy
run 0
"""
setup_mgmd = f"""units metal
read_data {mt.DATA}/cuzr-liquid.data
potential eam/fs CuZr_mm.eam.fs Cu Zr
group cu type 1
group zr type 2
variable a equal 3
variable b equal v_a*2
dump d every 1 file d.dump columns id type x y z xu yu zu vx vy vz fx fy fz precision 17
run 0
"""

with tempfile.TemporaryDirectory() as wd:
    prints = "".join(f'print "M{k} $({e})"\n' for k, e in enumerate(MATH))
    prints += "".join(f'print "T{k} $({e})"\n' for k, e in enumerate(THERMO))
    with open(os.path.join(wd, "in.lmp"), "w") as f:
        f.write(setup_lmp + prints)
    env = dict(os.environ, LAMMPS_POTENTIALS="/usr/share/lammps/potentials")
    lp = subprocess.run(["lmp", "-in", "in.lmp", "-log", "none", "-echo", "none"], cwd=wd, env=env,
                        capture_output=True, text=True, timeout=300)
    check(lp.returncode == 0, f"LAMMPS evaluates the {len(MATH) + len(THERMO)} shared expressions (exit {lp.returncode})")
    lm, lt = values(lp.stdout, "M"), values(lp.stdout, "T")

    extra = "".join(f'print "U{k} $({e})"\n' for k, (e, _) in enumerate(UNITS))
    extra += "".join(f'print "G{k} $({e})"\n' for k, e in enumerate(["temp(cu)", "ke(zr)", "mass(cu)", "temp(all)"]))
    # Immediate and frozen kinds, ${} and formats.
    extra += """variable c equal v_a+1
variable frozen string $(v_a+1)
variable a equal 10
print "S0 $(v_c)"
print "S1 ${frozen}"
print "S2 ${c}"
print "S3 $(v_a/4:%.3f)"
variable f format c %.2e
print "S4 ${f}"
"""
    p = mt.run_mgmd(setup_mgmd + prints + extra, wd)
    mm, mth, mu, mg = (values(p.stdout, t) for t in "MTUG")
    s = {int(m.group(1)): m.group(2) for m in re.finditer(r"^S(\d+) (.*)$", p.stdout, re.M)}

    bad = [(MATH[k], lm.get(k), mm.get(k)) for k in range(len(MATH))
           if k not in lm or k not in mm or not close(lm[k], mm[k], 4.5e-16)]
    check(not bad, f"{len(MATH)} arithmetic expressions equal LAMMPS' values to 2 ulp" + (f": {bad[:5]}" if bad else ""))
    # A few by hand, so the table cannot agree on a shared mistake.
    named = {"-2^2": 4, "2^3^2": 64, "-7%3": -1, "round(-2.5)": -2, "log(100)": 2, "1<2<3": 1, "3>2>1": 0,
             "-3^2*2": 18, "2*10%3": 2, "!1+1": 1}
    wrong = [(e, mm.get(MATH.index(e)), v) for e, v in named.items() if mm.get(MATH.index(e)) != v]
    check(not wrong, "LAMMPS' rules by hand: -2^2 = 4, 2^3^2 = 64, -7%3 = -1, round(-2.5) = -2, log is base 10, "
          "1<2<3 = 1, 3>2>1 = 0" + (f": {wrong}" if wrong else ""))

    bad = [(THERMO[k], lt.get(k), mth.get(k)) for k in range(len(THERMO))
           if k not in lt or k not in mth or not close(lt[k], mth[k], 1e-10)]
    check(not bad, f"{len(THERMO)} thermo keywords and group functions equal LAMMPS' to 1e-10" +
          (f": {bad[:5]}" if bad else ""))

    bad = [(e, mu.get(k), v) for k, (e, v) in enumerate(UNITS) if k not in mu or not close(mu[k], v, 1e-15)]
    check(not bad, f"{len(UNITS)} numbers with units equal their metal values" + (f": {bad}" if bad else ""))

    # Group temperature and kinetic energy from the dumped velocities.
    fr = read_dump(os.path.join(wd, "d.dump"))[0]["cols"]
    dat = mt.read_data(os.path.join(mt.DATA, "cuzr-liquid.data"))
    order = np.argsort(fr["id"])
    typ = fr["type"][order]
    v = np.stack([fr["vx"], fr["vy"], fr["vz"]], axis=1)[order]
    m = np.array([dat["masses"][int(t)] for t in typ])

    def ke(sel):
        return 0.5 * np.sum(m[sel, None] * v[sel] ** 2) * MVV2E

    cu, zr, every = typ == 1, typ == 2, np.ones(len(typ), bool)
    want = [2 * ke(cu) / ((3 * cu.sum() - 3) * KB), ke(zr), m[cu].sum(), 2 * ke(every) / ((3 * len(typ) - 3) * KB)]
    got = [mg.get(k, float("nan")) for k in range(4)]
    check(all(close(g, w, 1e-12) for g, w in zip(got, want)),
          f"temp(cu), ke(zr), mass(cu), temp(all) equal NumPy on the dumped velocities to 1e-12: {got} vs {want}")

    check(s.get(0) == "11", f"an equal variable is evaluated when used: v_c = v_a + 1 after a = 10 gives {s.get(0)} (want 11)")
    check(s.get(1) == "4", f"a string of $(v_a+1) is frozen when defined: {s.get(1)} (want 4)")
    check(s.get(2) == "11", f"${{c}} of an equal variable substitutes its value: {s.get(2)} (want 11)")
    check(s.get(3) == "2.500", f"$(v_a/4:%.3f) formats: {s.get(3)} (want 2.500)")
    check(s.get(4) == "1.10e+01", f"a format variable prints its equal variable: {s.get(4)} (want 1.10e+01)")
    n = len(MATH) + len(THERMO) + len(UNITS) + 4 + 5
    check(n >= 60, f"{n} expressions in the table")
check.finish()
