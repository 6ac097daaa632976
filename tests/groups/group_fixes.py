#!/usr/bin/python3
"""Fixes and commands that act on a group, each against a closed form.

Cu64Zr36 liquid (tests/data/cuzr-liquid.data, 500 atoms at 1500 K,
CuZr_mm.eam.fs), 1 fs or 2 fs steps, on 1 and 3 ranks.

1. freeze under a Langevin thermostat on all atoms (the thermostat most
   able to move an atom, by its random kicks): the frozen atoms' positions
   are bitwise those they started from after 300 steps, their velocities
   exactly 0, while the others moved; the thermo temperature is the
   mobile atoms' 2 KE / ((3 N_mobile - 3) k_B), recomputed from the dumped
   velocities to 1e-10 relative (17-digit dump vs 17-digit CSV: round-off
   only). In a conjugate-gradient minimisation the frozen atoms stay
   bitwise in place while the others relax.
2. move rotate about the z axis through the box centre, period 2 ps, on a
   cylinder of atoms inside the box: after N = 500 steps of 1 fs each
   atom has turned by 2 pi N dt / P = pi/2 about the axis (to 1e-12 rad;
   the positions are computed from the reference ones in closed form, so
   only round-off of the trigonometry remains, ~1e-15 rad), its distance
   from the axis and its height are unchanged (1e-12 A), and its velocity
   is omega x r (1e-10 A/ps).
3. move linear 0.5 NULL 0: x = x0 + 0.5 t exactly as computed (1e-12 A),
   z = z0 bitwise, while y moves under the forces.
4. addforce adds exactly the given force to the potential's (fx of the
   group at step 0 minus a run without it, 1e-12 eV/A), setforce replaces
   the given components (exact) and leaves NULL ones.
5. velocity create on a group: its temperature is exactly the target
   (3 N_g - 3 degrees of freedom, as LAMMPS' velocity on a group, to
   1e-10), its momentum zero (1e-10 of a typical atom's), and the other
   atoms' velocities are untouched (bitwise those of the data file).
6. thermo group columns (count, temp, ke, pe) equal NumPy sums over the
   dumped per-atom values (1e-9 relative: the dump's 17 digits)."""
import os
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
import mgmdtest as mt  # noqa: E402
from gcommon import read_dump  # noqa: E402

check = mt.Checks()
KB, MVV2E = 8.617343e-5, 1.0364269e-4
MASS = {1: 63.546, 2: 91.224}
HEAD = f"units metal\nread_data {mt.DATA}/cuzr-liquid.data\npotential eam/fs CuZr_mm.eam.fs Cu Zr\n"
d0 = mt.read_data(os.path.join(mt.DATA, "cuzr-liquid.data"))
LO, HI = d0["lo"], d0["hi"]
C = LO + 0.5 * (HI - LO)


def frames(wd, name="d.dump"):
    out = []
    for fr in read_dump(os.path.join(wd, name)):
        order = np.argsort(fr["cols"]["id"])
        out.append({k: v[order] for k, v in fr["cols"].items()})
    return out


def vec(fr, a, b, c):
    return np.stack([fr[a], fr[b], fr[c]], axis=1)


with tempfile.TemporaryDirectory() as wd:
    for nranks in (1, 3):
        tag = f"np{nranks}"
        # 1. freeze under Langevin.
        run = os.path.join(wd, f"freeze{nranks}")
        text = HEAD + f"""timestep 2 fs
region ball sphere {C[0]} {C[1]} {C[2]} 6
group ball region ball
freeze hold group ball
ensemble langevin temp 1500 K damp 0.1 ps seed 11
thermo every 300 file t.csv
dump d every 300 file d.dump precision 17 columns id type xu yu zu vx vy vz mask
run 300
"""
        mt.run_mgmd(text, run, np_=nranks)
        f0, f1 = frames(run)
        ball = (f0["mask"].astype(np.uint64) & np.uint64(2)) != 0
        x0, x1 = vec(f0, "xu", "yu", "zu"), vec(f1, "xu", "yu", "zu")
        check(ball.sum() > 20 and np.array_equal(x0[ball], x1[ball]),
              f"{tag} freeze: {int(ball.sum())} frozen atoms bitwise where they were after 300 Langevin steps")
        v1 = vec(f1, "vx", "vy", "vz")
        check(np.all(v1[ball] == 0.0), f"{tag} freeze: their velocities are exactly 0")
        moved = np.abs(x1[~ball] - x0[~ball]).max()
        check(moved > 0.1, f"{tag} freeze: the other atoms moved (up to {moved:.3g} A)")
        th = mt.read_thermo(os.path.join(run, "t.csv"))
        m = np.array([MASS[int(t)] for t in f1["type"]])
        ke = 0.5 * MVV2E * np.sum(m[~ball, None] * v1[~ball] ** 2)
        T = 2 * ke / ((3 * int((~ball).sum()) - 3) * KB)
        check(abs(th["temp"][-1] / T - 1) < 1e-10,
              f"{tag} freeze: thermo temp {th['temp'][-1]:.10g} K = mobile atoms' {T:.10g} K")

        # 1b. frozen atoms keep their positions in a minimisation too.
        run = os.path.join(wd, f"minfreeze{nranks}")
        text = HEAD + f"""region ball sphere {C[0]} {C[1]} {C[2]} 6
group ball region ball
freeze hold group ball
dump d every 1000 file d.dump precision 17 columns id xu yu zu mask
run 0
minimize cg etol 0 ftol 1e-3 maxiter 50
run 0
"""
        mt.run_mgmd(text, run, np_=nranks)
        f0, f1 = frames(run)[0], frames(run)[-1]
        ball = (f0["mask"].astype(np.uint64) & np.uint64(2)) != 0
        x0, x1 = vec(f0, "xu", "yu", "zu"), vec(f1, "xu", "yu", "zu")
        moved = np.abs(x1[~ball] - x0[~ball]).max()
        check(np.array_equal(x0[ball], x1[ball]) and moved > 0.01,
              f"{tag} freeze in minimize: frozen atoms bitwise in place, the others relaxed (up to {moved:.3g} A)")

        # 2. move rotate; 3. move linear (in one run: separate groups).
        run = os.path.join(wd, f"move{nranks}")
        N, dt, P = 500, 0.001, 2.0
        text = HEAD + f"""timestep 1 fs
region core cylinder z {C[0]} {C[1]} 4 {LO[2] + 6} {HI[2] - 6}
region slab block {LO[0] + 2} {LO[0] + 6} INF INF INF INF
group core region core
group slab0 region slab
group slab subtract slab0 core
move spin rotate {C[0]} {C[1]} 0 0 0 1 period {P} ps group core
move slide linear 0.5 NULL 0 group slab
dump d every {N} file d.dump precision 17 columns id xu yu zu vx vy vz mask
run {N}
"""
        p = mt.run_mgmd(text, run, np_=nranks)
        f0, f1 = frames(run)
        bitmask = f0["mask"].astype(np.uint64)
        core = (bitmask & np.uint64(2)) != 0
        slab = (bitmask & np.uint64(8)) != 0
        a0, a1 = vec(f0, "xu", "yu", "zu"), vec(f1, "xu", "yu", "zu")
        r0, r1 = a0[core, :2] - C[:2], a1[core, :2] - C[:2]
        ang = np.arctan2(r0[:, 0] * r1[:, 1] - r0[:, 1] * r1[:, 0], np.sum(r0 * r1, axis=1))
        want = 2 * np.pi * N * dt / P
        check(core.sum() > 10 and np.abs(ang - want).max() < 1e-12,
              f"{tag} move rotate: {int(core.sum())} atoms turned {ang.mean():.15f} rad, closed form {want:.15f} "
              f"(max error {np.abs(ang - want).max():.2g})")
        dr = np.abs(np.linalg.norm(r1, axis=1) - np.linalg.norm(r0, axis=1)).max()
        dz = np.abs(a1[core, 2] - a0[core, 2]).max()
        check(dr < 1e-12 and dz < 1e-12, f"{tag} move rotate: radius kept to {dr:.2g} A, height to {dz:.2g} A")
        w = 2 * np.pi / P
        vw = np.stack([-w * r1[:, 1], w * r1[:, 0], np.zeros(len(r1))], axis=1)
        ve = np.abs(vec(f1, "vx", "vy", "vz")[core] - vw).max()
        check(ve < 1e-10, f"{tag} move rotate: velocities are omega x r to {ve:.2g} A/ps")
        ex = np.abs(a1[slab, 0] - (a0[slab, 0] + 0.5 * N * dt)).max()
        check(slab.sum() > 10 and ex < 1e-12, f"{tag} move linear: {int(slab.sum())} atoms at x0 + v t to {ex:.2g} A")
        check(np.array_equal(a1[slab, 2], a0[slab, 2]), f"{tag} move linear: z held bitwise")
        dy = np.abs(a1[slab, 1] - a0[slab, 1]).max()
        check(dy > 0.01, f"{tag} move linear: y (NULL) moved under the forces, up to {dy:.3g} A")

        # 4. addforce, setforce.
        base = HEAD + f"""region top block INF INF INF INF {C[2]} INF
group top region top
"""
        forces = {}
        for name, fix in (("none", ""), ("add", "addforce push 0.1 -0.2 0.05 eV/A group top\n"),
                          ("set", "setforce pin NULL 0.25 0 group top\n")):
            run = os.path.join(wd, f"force-{name}{nranks}")
            mt.run_mgmd(base + fix + "dump d every 1 file d.dump precision 17 columns id fx fy fz mask\nrun 0\n",
                        run, np_=nranks)
            forces[name] = frames(run)[0]
        top = (forces["none"]["mask"].astype(np.uint64) & np.uint64(2)) != 0
        fn, fa, fs = (vec(forces[k], "fx", "fy", "fz") for k in ("none", "add", "set"))
        dadd = np.abs(fa[top] - fn[top] - np.array([0.1, -0.2, 0.05])).max()
        check(dadd < 1e-12 and np.array_equal(fa[~top], fn[~top]),
              f"{tag} addforce: the group's forces gain exactly the given force ({dadd:.2g} eV/A); others untouched")
        check(np.all(fs[top, 1] == 0.25) and np.all(fs[top, 2] == 0) and np.array_equal(fs[top, 0], fn[top, 0]),
              f"{tag} setforce: fy = 0.25, fz = 0 eV/A on the group, fx (NULL) the potential's")

        # 5. velocity create on a group; 6. thermo group columns.
        run = os.path.join(wd, f"vel{nranks}")
        text = HEAD + """group cu element Cu
group zr element Zr
velocity create 300 K seed 5 group cu
thermo every 1 file t.csv groups cu zr
dump d every 1 file d.dump precision 17 columns id type vx vy vz pe mask
run 0
"""
        mt.run_mgmd(text, run, np_=nranks)
        fr = frames(run)[0]
        th = mt.read_thermo(os.path.join(run, "t.csv"))
        v = vec(fr, "vx", "vy", "vz")
        typ = fr["type"].astype(int)
        m = np.array([MASS[t] for t in typ])
        cu = typ == 1
        ke_cu = 0.5 * MVV2E * np.sum(m[cu, None] * v[cu] ** 2)
        T_cu = 2 * ke_cu / ((3 * cu.sum() - 3) * KB)
        check(abs(T_cu / 300 - 1) < 1e-10, f"{tag} velocity create group cu: T = {T_cu:.12g} K (target 300)")
        pcu = np.abs(np.sum(m[cu, None] * v[cu], axis=0)).max()
        check(pcu < 1e-10 * m[cu].mean() * np.abs(v[cu]).mean(), f"{tag} velocity create group cu: momentum {pcu:.2g}")
        dv = d0["v"]
        check(np.array_equal(v[~cu], dv[~cu]), f"{tag} velocity create group cu: Zr velocities bitwise the data file's")
        for g, sel in (("cu", cu), ("zr", ~cu)):
            ke = 0.5 * MVV2E * np.sum(m[sel, None] * v[sel] ** 2)
            T = 2 * ke / ((3 * sel.sum() - 3) * KB)
            pe = fr["pe"][sel].sum()
            got = (th[f"count_{g}"][0], th[f"temp_{g}"][0], th[f"ke_{g}"][0], th[f"pe_{g}"][0])
            ok = got[0] == sel.sum() and all(abs(a / b - 1) < 1e-9 for a, b in zip(got[1:], (T, ke, pe)))
            check(ok, f"{tag} thermo groups {g}: count {got[0]:.0f}, temp {got[1]:.8g} K, ke {got[2]:.8g} eV, "
                  f"pe {got[3]:.8g} eV; NumPy {sel.sum()}, {T:.8g}, {ke:.8g}, {pe:.8g}")
check.finish()
