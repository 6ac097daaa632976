#!/usr/bin/python3
"""Regions and groups in decks: membership against an independent NumPy
computation, the same on 1, 2, 3 and 4 ranks, and dynamic groups that
follow their atoms.

1. Static groups, one per region, in an orthogonal box (cuzr-liquid.data)
   and a triclinic one (cuzr-triclinic.data): a block across a periodic
   face, a sphere at a corner (selecting through up to eight periodic
   images), a cylinder across a face, an oblique plane, a prism, side out,
   a union and an intersect; plus type, element and id (with stride)
   selections and group arithmetic (union, subtract). After `run 0` a dump
   of id, x, y, z and the group mask must give, bit by bit, what
   tests/unit/regions_reference.py's brute-force geometry gives from the
   dumped positions (images along each periodic edge in which the shape's
   bounding box is finite, system/region.h). No tolerance: membership is
   exact, and random positions are never exactly on a surface.
2. The masks are identical on 1, 2, 3 and 4 ranks (each rank decides for
   its own atoms; nothing depends on the decomposition).
3. A dynamic group (a slab) with the lists rebuilt every step: at every
   dumped step its bit equals the slab test of the dumped positions, and
   atoms enter and leave it during the run (so the check is not vacuous).
"""
import os
import re
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
sys.path.insert(0, os.path.join(HERE, "..", "unit"))
import mgmdtest as mt  # noqa: E402
import regions_reference as rr  # noqa: E402
from gcommon import read_dump  # noqa: E402

check = mt.Checks()
POT = "potential eam/fs CuZr_mm.eam.fs Cu Zr\n"


def bits(stdout):
    """Group name -> mask bit, from the `group` command's lines."""
    return {m.group(1): int(m.group(2)) for m in re.finditer(r"group (\S+): \d+ atoms \(\w+; bit (\d+)", stdout)}


def member(reg, X, lo, tilt, hi, boundary):
    """NumPy membership of primitive `reg` (regions_reference's dict form)."""
    bx = {"lo": lo, "hi": hi, "tilt": tilt}
    H = rr.cell(bx)
    blo, bhi = rr.bounding_box(reg)
    periodic = [c == "p" for c in boundary]
    image = [periodic[d] and np.isfinite(blo[d]) and np.isfinite(bhi[d]) for d in range(3)]
    rng = [range(-rr.SHIFT, rr.SHIFT + 1) if image[d] else [0] for d in range(3)]
    n = np.array(np.meshgrid(*rng, indexing="ij")).reshape(3, -1).T.astype(float)
    Y = X[:, None, :] + (n @ H.T)[None, :, :]
    inside = rr.in_shape(reg, Y).any(axis=1)
    return ~inside if reg["side"] else inside


def regions_for(lo, hi):
    """(deck lines, {group: callable(X)->bool}) for a box."""
    L = hi - lo
    c = lo + 0.5 * L
    inf = np.inf
    prims = {
        "blk": ("block", [lo[0] + 0.8 * L[0], lo[0] + 1.15 * L[0], -inf, inf, lo[2] + 0.1 * L[2], lo[2] + 0.6 * L[2]], 0, 0),
        "sph": ("sphere", [lo[0] + 0.05 * L[0], lo[1] + 0.1 * L[1], lo[2] + 0.95 * L[2], 0.3 * L.min()], 0, 0),
        "cyl": ("cylinder", [lo[0] + 0.02 * L[0], c[2], 0.25 * L.min(), -inf, inf], 1, 0),
        "pln": ("plane", [c[0], c[1], c[2], 1.0, -2.0, 0.5], 0, 0),
        "prm": ("prism", [c[0] - 3, c[0] + 4, c[1] - 5, c[1] + 2, c[2] - 4, c[2] + 3, 1.5, -1.0, 0.8], 0, 0),
        "out": ("sphere", [c[0], c[1], c[2], 0.4 * L.min()], 0, 1),
    }
    lines, regs = [], {}
    fmt = lambda v: "INF" if v == inf else "-INF" if v == -inf else "%.12g" % v  # noqa: E731
    for name, (style, p, axis, side) in prims.items():
        words = list(map(fmt, p))
        if style == "cylinder":
            words = ["y"] + words
        lines.append(f"region r{name} {style} {' '.join(words)}{' side out' if side else ''}")
        pp = np.zeros(9)
        pp[:len(p)] = p
        if style == "plane":
            pp[3:6] /= np.linalg.norm(pp[3:6])
        regs[name] = {"style": style, "p": pp, "axis": axis, "side": side}
    lines.append("region rboth union 2 rsph rblk")
    lines.append("region rcut intersect 2 rpln rcyl")
    return lines, regs


def static_case(data, nranks, wd):
    d = mt.read_data(os.path.join(mt.DATA, data))
    lines, regs = regions_for(d["lo"], d["hi"])
    groups = [f"group g{n} region r{n}" for n in regs] + [
        "group gboth region rboth", "group gcut region rcut", "group gzr element Zr", "group gt1 type 1",
        "group gids id 3:400:7 11 <> 450 460", "group gor union gsph gblk", "group gsub subtract all gpln gzr"]
    text = ("units metal\n" + f"read_data {mt.DATA}/{data}\n" + POT + "\n".join(lines) + "\n" + "\n".join(groups)
            + "\ndump d every 1 file g.dump columns id type x y z mask\nrun 0\n")
    p = mt.run_mgmd(text, wd, np_=nranks)
    fr = read_dump(os.path.join(wd, "g.dump"))[0]
    order = np.argsort(fr["cols"]["id"])
    cols = {k: v[order] for k, v in fr["cols"].items()}
    return cols, bits(p.stdout), regs, fr


check_data = [("cuzr-liquid.data", "ppp"), ("cuzr-triclinic.data", "ppp")]
with tempfile.TemporaryDirectory() as wd:
    for data, boundary in check_data:
        masks = {}
        for nranks in (1, 2, 3, 4):
            cols, bit, regs, fr = static_case(data, nranks, os.path.join(wd, f"{data}-{nranks}"))
            masks[nranks] = cols["mask"].astype(np.uint64)
            if nranks > 1:
                continue
            X = np.stack([cols["x"], cols["y"], cols["z"]], axis=1)
            ids, typ = cols["id"].astype(int), cols["type"].astype(int)
            want = {}
            for n, reg in regs.items():
                want["g" + n] = member(reg, X, fr["lo"], fr["tilt"], fr["hi"], boundary)
            want["gboth"] = want["gsph"] | want["gblk"]
            want["gcut"] = want["gpln"] & want["gcyl"]
            want["gzr"] = typ == 2
            want["gt1"] = typ == 1
            want["gids"] = ((ids >= 3) & (ids <= 400) & ((ids - 3) % 7 == 0)) | (ids == 11) | ((ids >= 450) & (ids <= 460))
            want["gor"] = want["gsph"] | want["gblk"]
            want["gsub"] = ~want["gpln"] & ~want["gzr"]
            mask = masks[1]
            for g, w in want.items():
                got = (mask >> np.uint64(bit[g])) & np.uint64(1) == 1
                nin = int(w.sum())
                check(np.array_equal(got, w) and 0 < nin < len(w),
                      f"{data} {g}: {int(got.sum())} atoms, NumPy {nin} of {len(w)}"
                      + ("" if np.array_equal(got, w) else f", {int(np.sum(got != w))} differ"))
            # The sphere at the corner reaches atoms only through images.
            reg = regs["sph"]
            direct = rr.in_shape(reg, X)
            check(np.sum(want["gsph"] & ~direct) > 0,
                  f"{data}: {int(np.sum(want['gsph'] & ~direct))} atoms are in the corner sphere only through an image")
        for nranks in (2, 3, 4):
            check(np.array_equal(masks[nranks], masks[1]), f"{data}: masks on {nranks} ranks equal those on 1")

    # 3. A dynamic slab.
    for nranks in (1, 3):
        d = mt.read_data(os.path.join(mt.DATA, "cuzr-liquid.data"))
        lo, hi = d["lo"], d["hi"]
        z0, z1 = lo[2] + 0.4 * (hi[2] - lo[2]), lo[2] + 0.6 * (hi[2] - lo[2])
        text = f"""units metal
timestep 2 fs
read_data {mt.DATA}/cuzr-liquid.data
{POT}neighbor skin 1.0 A every 1 delay 0 check no
region slab block INF INF INF INF {z0:.12g} {z1:.12g}
group slab dynamic region slab
dump d every 40 file s.dump columns id x y z mask
run 400
"""
        run = os.path.join(wd, f"dyn-{nranks}")
        p = mt.run_mgmd(text, run, np_=nranks)
        b = bits(p.stdout)["slab"]
        frames = read_dump(os.path.join(run, "s.dump"))
        first, ok, moved = None, True, 0
        for fr in frames:
            order = np.argsort(fr["cols"]["id"])
            z = fr["cols"]["z"][order]
            got = (fr["cols"]["mask"][order].astype(np.uint64) >> np.uint64(b)) & np.uint64(1) == 1
            want = (z >= z0) & (z <= z1)
            ok &= np.array_equal(got, want)
            if first is None:
                first = got
            moved = max(moved, int(np.sum(got != first)))
        check(ok and len(frames) == 11, f"dynamic slab on {nranks} rank(s): its bit equals the slab test at all "
              f"{len(frames)} dumped steps")
        check(moved > 0, f"dynamic slab on {nranks} rank(s): {moved} atoms changed membership during the run")
check.finish()
