#!/usr/bin/python3
"""Custom thermo columns (`thermo ... columns ...`, src/io/thermo.c) equal
the same quantities computed by NumPy from a dump of the same steps.

The triclinic Cu-Zr liquid under NVT on 3 ranks writes, every 20 steps, a
CSV of chosen columns (thermo keywords, box, a group's count, temperature,
kinetic and potential energy in both spellings, v_NAME variables, units
converted with NAME[UNIT]) and a dump with velocities, per-atom energies
and per-atom stresses. From the dump alone:

  temp = 2 KE / ((3N - 3) kB),  KE = 1/2 sum m v^2 (mvv2e = 1.0364269e-4)
  pe = sum of per-atom energies
  p_ab = -sum_i s_ab,i / V    (per-atom stress in bar A^3, kinetic part in)
  press = (pxx + pyy + pzz)/3,  density = sum m / V / 0.602214129
  temp_G over the group's 3 N_G - 3 degrees of freedom (LAMMPS' compute
  temp on a group), etc.

`screen N` thins the screen lines only: a CSV at every step with screen
lines every 10 steps (and at each run's first and last), with custom and
default columns, and `screen 0` (first and last only).

Tolerance 1e-12 relative; for the pressure components relative to the
size of the pressure tensor (max |p_ab|), since a component near zero has
no digits of its own. The CSV header names every column's unit."""
import os
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import mgmdtest as mt  # noqa: E402
from groups.gcommon import read_dump  # noqa: E402

check = mt.Checks()
KB, MVV2E, NA = 8.617343e-5, 1.0364269e-4, 0.602214129
COLUMNS = ("step time[fs] temp pe ke etotal press pxx pyy pzz pxy[GPa] pxz pyz vol density lx ly lz xy xz yz "
           "natoms count_cu temp_cu ke_cu pe_cu c_zr_temp c_zr_pe v_sxy[GPa] v_lxz[1] v_tz")
deck = f"""units metal
timestep 2 fs
read_data {mt.DATA}/cuzr-triclinic.data
potential eam/fs CuZr_mm.eam.fs Cu Zr
group cu type 1
group zr element Zr
variable sxy equal -pxy
variable lxz equal lx/lz
variable tz equal temp(zr)*2
ensemble nvt temp 1200 K tdamp 0.1 ps
thermo every 20 file th.csv columns {COLUMNS}
dump d every 20 file d.dump columns id type x y z vx vy vz pe sxx syy szz sxy sxz syz precision 17
run 100
"""

with tempfile.TemporaryDirectory() as wd:
    mt.run_mgmd(deck, wd, np_=3)
    with open(os.path.join(wd, "th.csv")) as f:
        header = f.readline().strip().split(",")
    want_header = ("step,time[fs],temp[K],pe[eV],ke[eV],etotal[eV],press[bar],pxx[bar],pyy[bar],pzz[bar],pxy[GPa],"
                   "pxz[bar],pyz[bar],vol[A^3],density[g/cm^3],lx[A],ly[A],lz[A],xy[A],xz[A],yz[A],natoms,count_cu,"
                   "temp_cu[K],ke_cu[eV],pe_cu[eV],temp_zr[K],pe_zr[eV],v_sxy[GPa],v_lxz[1],v_tz").split(",")
    check(header == want_header, f"CSV header names each column with its unit: {','.join(header)}")
    csv = np.loadtxt(os.path.join(wd, "th.csv"), delimiter=",", skiprows=1, ndmin=2)
    col = {h.split("[")[0]: csv[:, k] for k, h in enumerate(header)}
    frames = read_dump(os.path.join(wd, "d.dump"))
    dat = mt.read_data(os.path.join(mt.DATA, "cuzr-triclinic.data"))
    check(len(frames) == len(csv) == 6 and [f["step"] for f in frames] == list(col["step"].astype(int)),
          f"one CSV row per dump frame: steps {[f['step'] for f in frames]}")
    worst = {}
    for r, fr in enumerate(frames):
        c = fr["cols"]
        typ = c["type"].astype(int)
        m = np.array([dat["masses"][t] for t in typ])
        v = np.stack([c["vx"], c["vy"], c["vz"]], 1)
        L = fr["hi"] - fr["lo"]
        V = L[0] * L[1] * L[2]
        n = len(typ)

        def ke(sel):
            return 0.5 * np.sum(m[sel, None] * v[sel] ** 2) * MVV2E

        def temp(sel):
            return 2 * ke(sel) / ((3 * sel.sum() - 3) * KB)

        every, cu, zr = np.ones(n, bool), typ == 1, typ == 2
        p = {ab: -c["s" + ab].sum() / V for ab in ("xx", "yy", "zz", "xy", "xz", "yz")}
        ref = {
            "time": fr["step"] * 2.0, "temp": temp(every), "pe": c["pe"].sum(), "ke": ke(every),
            "etotal": c["pe"].sum() + ke(every), "press": (p["xx"] + p["yy"] + p["zz"]) / 3,
            "pxx": p["xx"], "pyy": p["yy"], "pzz": p["zz"], "pxy": p["xy"] / 1e4, "pxz": p["xz"], "pyz": p["yz"],
            "vol": V, "density": m.sum() / V / NA, "lx": L[0], "ly": L[1], "lz": L[2],
            "xy": fr["tilt"][0], "xz": fr["tilt"][1], "yz": fr["tilt"][2], "natoms": n, "count_cu": cu.sum(),
            "temp_cu": temp(cu), "ke_cu": ke(cu), "pe_cu": c["pe"][cu].sum(), "temp_zr": temp(zr),
            "pe_zr": c["pe"][zr].sum(), "v_sxy": -p["xy"] / 1e4, "v_lxz": L[0] / L[2], "v_tz": 2 * temp(zr),
        }
        pscale = max(abs(x) for x in p.values())
        for k, want in ref.items():
            got = col[k][r]
            if k in ("pxx", "pyy", "pzz", "pxz", "pyz"):
                scale = pscale
            elif k in ("pxy", "v_sxy"):  # in GPa
                scale = pscale / 1e4
            else:
                scale = abs(want)
            rel = abs(got - want) / scale if scale else abs(got - want)
            worst[k] = max(worst.get(k, 0.0), rel)
    bad = {k: w for k, w in worst.items() if not w <= 1e-12}
    check(not bad and len(worst) == len(header) - 1,
          f"{len(worst)} columns equal NumPy on the dump to 1e-12 (largest: "
          f"{max(worst, key=worst.get)} {max(worst.values()):.2g})" + (f"; over: {bad}" if bad else ""))

# screen N: the CSV keeps every line, the screen shows multiples of N and each run's edges.
with tempfile.TemporaryDirectory() as wd:
    p = mt.run_mgmd(f"""units metal
read_data {mt.DATA}/cuzr-triclinic.data
potential eam/fs CuZr_mm.eam.fs Cu Zr
thermo every 1 file a.csv screen 10 columns step pe pxy
run 25
thermo every 1 file b.csv screen 0
run 7
""", wd)
    screen = [int(line.split()[0]) for line in p.stdout.splitlines() if line.split() and line.split()[0].isdigit()
              and len(line.split()) >= 3]
    rows = [np.loadtxt(os.path.join(wd, f), delimiter=",", skiprows=1, ndmin=2)[:, 0].astype(int).tolist()
            for f in ("a.csv", "b.csv")]
    check(rows[0] == list(range(26)) and rows[1] == list(range(25, 33)) and screen == [0, 10, 20, 25, 25, 32],
          f"screen 10 and screen 0: CSV steps 0..25 and 25..32 (every step), screen steps {screen} "
          f"(0 10 20 25, then 25 32)")
check.finish()
