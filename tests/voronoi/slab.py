"""Free surfaces: the Cu64Zr36 slab (boundary p p f, 15 A of vacuum above and
below), on 1 rank and on 2 ranks split along the non-periodic z.

  walls box (default): walls at the box faces, as Voro++'s tool and LAMMPS
    bound a non-periodic container. Against `voro++ -px -py` with the box as
    container: every atom's volume (all atoms, 1e-5 relative: the tool's 6
    printed digits), surface flag (= the tool's cell has a wall face), CN
    (= faces that are not walls) and index over the non-wall faces (exact).
    Against LAMMPS compute voronoi/atom: interior atoms' volumes (1e-10) and
    face counts (exact). The tall surface cells need a ghost shell wider
    than the first guess: the observer must have widened it (>1 pass).
  walls atoms 2: walls 2 A beyond the outermost atoms. Walls nearer the
    atoms can only cut more cells, so its surface atoms include those of
    `walls box`, and its interior atoms' cells are the same (1e-10).
  Motif statistics count interior atoms only (vorcommon.check_tables).

And the triclinic liquid with boundary f p p (1 and 3 ranks along x): the
walls are the box's tilted x faces; volumes, surface flags, indices and CN
of all atoms against voro++ with the images along y, z and two plane walls.
"""
import os
import re

import numpy as np

import vorcommon as vc
from vorcommon import check


def differences(r, ref):
    """Largest relative volume difference of r's atoms from the voro++ cells
    `ref`, and how many atoms differ in index or CN over non-wall faces."""
    v = np.array([ref[int(i)]["vol"] for i in r["id"]])
    bad = 0
    for k, i in enumerate(r["id"]):
        c = ref[int(i)]
        orders = [o for o, nb in zip(c["orders"], c["neigh"]) if nb >= 0]
        idx = tuple(sum(o == m for o in orders) for m in (3, 4, 5, 6)) + (sum(o >= 7 for o in orders),)
        bad += idx != vc.index_of(r, k) or len(orders) != r["cn"][k]
    return np.max(np.abs(r["vol"] / v - 1)), bad


def triclinic_free_x():
    """The triclinic liquid with boundary f p p: the x walls are the box's
    tilted faces (planes spanned by b and c). Reference: voro++ with the
    atoms' images along y and z within 8 A and two plane walls (-wp)."""
    path = os.path.join(vc.mt.DATA, "cuzr-triclinic.data")
    d = vc.mt.read_data(path)
    for np_, grid in ((None, "* * *"), (3, "3 1 1")):
        wd = vc.workdir("tri-fpp-%d" % (np_ or 1))
        res, out = vc.run_voronoi(wd, "processors %s\n" % grid + vc.glass_setup(path, "f p p"), [("v", "")], np_=np_)
        r = res["v"]
        ids, types, x, orig, lo, hi = vc.images(d, 8.0, (False, True, True))
        n = np.linalg.inv(vc.box_matrix(d))[0]
        walls = [tuple(-n) + (-(n @ d["lo"]),), tuple(n) + (1 + n @ d["lo"],)]
        ref = vc.voro_cli(wd, ids, x, lo, hi, walls=walls)
        label = "triclinic f p p np=%d" % (np_ or 1)
        complete = all(min(ref[int(i)]["neigh"]) < -6 or min(ref[int(i)]["neigh"]) >= 0 for i in d["id"])
        check(complete, "%s: reference cells of the original atoms are complete" % label)
        surf = np.array([min(ref[int(i)]["neigh"]) < 0 for i in r["id"]])
        check(np.array_equal(surf, r["surface"] == 1) and surf.sum() > 0,
              "%s: %d surface atoms (cell on a tilted x wall) = voro++ with plane walls" % (label, surf.sum()))
        err, bad = differences(r, ref)
        check(err < 1e-5 and bad == 0, "%s: volumes (max rel. diff %.2g < 1e-5), indices and CN (%d differ) of all "
              "atoms = voro++" % (label, err, bad))
        L = d["hi"] - d["lo"]
        check(abs(r["vol"].sum() / (L[0] * L[1] * L[2]) - 1) < 1e-9, "%s: volumes fill the box" % label)


def main():
    path = os.path.join(vc.mt.DATA, "cuzr-slab.data")
    d = vc.mt.read_data(path)
    ref = None
    results = {}
    for np_, grid in ((None, "* * *"), (2, "1 1 2")):
        wd = vc.workdir("slab-%d" % (np_ or 1))
        setup = "processors %s\n" % grid + vc.glass_setup(path, "p p f")
        res, out = vc.run_voronoi(wd, setup, [("b", ""), ("w", "walls atoms 2.0")], np_=np_)
        label = "slab np=%d" % (np_ or 1)
        results[np_ or 1] = res
        b, w = res["b"], res["w"]
        m = re.search(r"voronoi b: 1 sample, .* ghost shell ([0-9.e+]+) A, (\d+) pass", out)
        check(m and int(m.group(2)) > 1, "%s: the shell was widened for the surface cells (%s)" %
              (label, m.group(0) if m else "no report"))
        if ref is None:
            ref = vc.voro_cli(wd, d["id"], d["x"], d["lo"], d["hi"], (True, True, False))
        surf = np.array([min(ref[int(i)]["neigh"]) < 0 for i in b["id"]])
        check(np.array_equal(surf, b["surface"] == 1) and 0 < surf.sum() < len(surf),
              "%s: %d surface atoms = atoms whose voro++ cell has a wall face" % (label, surf.sum()))
        err, bad = differences(b, ref)
        check(err < 1e-5, "%s: volumes of all atoms = voro++ -px -py (max rel. diff %.2g < 1e-5)" % (label, err))
        check(bad == 0, "%s: index and CN over the non-wall faces = voro++ for all atoms (%d differ)" % (label, bad))
        ws, bs = w["surface"] == 1, b["surface"] == 1
        check(np.all(ws[bs]) and ws.sum() > bs.sum(), "%s: walls atoms 2: %d surface atoms, including the %d of "
              "walls box" % (label, ws.sum(), bs.sum()))
        inner = ~ws
        same = all(vc.index_of(w, k) == vc.index_of(b, k) for k in np.where(inner)[0])
        check(same and np.max(np.abs(w["vol"][inner] / b["vol"][inner] - 1)) < 1e-10 and
              np.array_equal(w["cn"][inner], b["cn"][inner]), "%s: walls atoms 2: interior cells = walls box" % label)
        vc.check_tables(label + " b", wd, "b", b)
        vc.check_tables(label + " w", wd, "w", w)
        if vc.lammps_binary() and np_ is None:
            lw = os.path.join(wd, "lammps")
            os.makedirs(lw)
            lref = vc.lammps_voronoi(lw, path, "p p f")["plain"]
            inner_b = ~bs
            lv = np.array([lref[int(i)][0] for i in b["id"]])
            lf = np.array([lref[int(i)][1] for i in b["id"]])
            err = np.max(np.abs(b["vol"][inner_b] / lv[inner_b] - 1))
            check(err < 1e-10 and np.array_equal(lf[inner_b], b["cn"][inner_b]),
                  "%s: interior atoms' volumes (max rel. diff %.2g) and face counts = LAMMPS" % (label, err))
    triclinic_free_x()
    r1, r2 = results[1], results[2]
    for name in ("b", "w"):
        same = all(vc.index_of(r1[name], k) == vc.index_of(r2[name], k) for k in range(len(r1[name]["id"])))
        check(same and np.array_equal(r1[name]["surface"], r2[name]["surface"]) and
              np.max(np.abs(r1[name]["vol"] / r2[name]["vol"] - 1)) < 1e-10,
              "slab %s: 2 ranks split along z = 1 rank (indices, surface flags exact; volumes 1e-10)" % name)
    vc.finish()


if __name__ == "__main__":
    main()
