"""Voronoi cells of perfect crystals and of an icosahedral cluster, whose
cells are known exactly:

  fcc   rhombic dodecahedron        <0,12,0,0>   V = a^3/4     CN 12
  bcc   truncated octahedron        <0,6,0,8>    V = a^3/2     CN 14
  hcp   trapezo-rhombic dodecahedron <0,12,0,0>  V = sqrt(3)/4 a^2 c  CN 12
  13-atom icosahedron (free 'f f f' box): the centre's cell is a regular
        dodecahedron <0,0,12,0> whose inradius is half the centre-vertex
        distance; the 12 outer atoms touch the walls (surface atoms).

Each on 1 rank (`analyze`) and 2 ranks (sampled by a run). Volumes to 1e-10
relative (the exact value vs. Voro++'s double-precision plane cuts, ~1e-15),
indices exact. The fcc and hcp cells have vertices where four or more faces
meet; Voro++ resolves them within its tolerance, so the indices must come
out exactly <0,12,0,0> on any rank count.
"""
import math
import os

import numpy as np

import vorcommon as vc
from vorcommon import check

RTOL = 1e-10


def crystal(name, lattice, a, cells, expect_index, expect_vol, expect_cn, np_):
    wd = vc.workdir("%s-%d" % (name, np_ or 1))
    setup = "create_lattice %s %r A cells %s types Cu\npotential eam %s\n" % (lattice, a, cells, vc.CU_POT)
    res, out = vc.run_voronoi(wd, setup, [("v", "")], np_=np_, analyze=np_ is None)
    r = res["v"]
    n = len(r["id"])
    idx = {vc.index_of(r, k) for k in range(n)}
    label = "%s np=%d" % (name, np_ or 1)
    check(idx == {expect_index}, "%s: every one of %d atoms has index %s (got %s)" % (label, n, expect_index, idx))
    err = np.max(np.abs(r["vol"] / expect_vol - 1))
    check(err < RTOL, "%s: volume %.12g A^3 = exact %.12g (max rel. diff %.2g)" % (label, r["vol"][0], expect_vol, err))
    check(np.all(r["cn"] == expect_cn) and not r["surface"].any(), "%s: CN %d, no surface atoms" % (label, expect_cn))
    s = vc.read_csv(os.path.join(wd, "v_summary.csv"))[-1]
    rows = vc.read_csv(os.path.join(wd, "v_motifs.csv"))
    check(float(s["ico_all"]) == 0 and len(rows) == 2 and all(float(x["fraction"]) == 1.0 for x in rows),
          "%s: motif table has one index with fraction 1" % label)


def icosahedron(np_, walls):
    """13 atoms: centre plus the vertices of an icosahedron of radius R."""
    R = 2.55
    phi = (1 + math.sqrt(5)) / 2
    verts = []
    for s1 in (-1, 1):
        for s2 in (-1, 1):
            verts += [(0, s1, s2 * phi), (s1, s2 * phi, 0), (s2 * phi, 0, s1)]
    v = np.array(verts) / math.sqrt(1 + phi * phi) * R
    x = np.vstack([[0, 0, 0], v]) + 0.123  # off the box centre on purpose
    wd = vc.workdir("ico-%d-%s" % (np_ or 1, walls.replace(" ", "")))
    with open(os.path.join(wd, "ico.data"), "w") as f:
        f.write("icosahedral cluster\n\n13 atoms\n1 atom types\n\n-10 10 xlo xhi\n-10 10 ylo yhi\n-10 10 zlo zhi\n\n"
                "Masses\n\n1 63.546\n\nAtoms # atomic\n\n")
        for k, p in enumerate(x):
            f.write("%d 1 %.17g %.17g %.17g\n" % (k + 1, p[0], p[1], p[2]))
    setup = "boundary f f f\nprocessors %s\nread_data ico.data\npotential eam %s\n" % (
        "2 1 1" if np_ else "* * *", vc.CU_POT)
    res, out = vc.run_voronoi(wd, setup, [("v", walls)], np_=np_, analyze=np_ is None)
    r = res["v"]
    label = "icosahedron np=%d %s" % (np_ or 1, walls or "walls box")
    c = int(np.where(r["id"] == 1)[0][0])
    check(vc.index_of(r, c) == (0, 0, 12, 0, 0) and r["cn"][c] == 12 and r["nmax"][c] == 5,
          "%s: centre is <0,0,12,0>, CN 12, largest face a pentagon" % label)
    ri = R / 2  # inradius of the centre's dodecahedron
    edge = 2 * ri / math.sqrt((25 + 11 * math.sqrt(5)) / 10)
    vol = (15 + 7 * math.sqrt(5)) / 4 * edge ** 3
    check(abs(r["vol"][c] / vol - 1) < RTOL, "%s: centre volume %.12g = regular dodecahedron %.12g" %
          (label, r["vol"][c], vol))
    outer = r["id"] != 1
    check(r["surface"][c] == 0 and np.all(r["surface"][outer] == 1), "%s: the 12 outer atoms are surface atoms" % label)
    s = vc.read_csv(os.path.join(wd, "v_summary.csv"))[-1]
    check(int(s["surface"]) == 12 and int(s["N_all"]) == 1 and float(s["ico_all"]) == 1.0 and
          float(s["cn_Cu_Cu"]) == 12.0, "%s: statistics count only the centre: one full icosahedron" % label)


def main():
    a_hcp = 3.2
    c_hcp = a_hcp * math.sqrt(8.0 / 3.0)
    for np_ in (None, 2):
        crystal("fcc", "fcc", 3.615, "4 4 4", (0, 12, 0, 0, 0), 3.615 ** 3 / 4, 12, np_)
        crystal("bcc", "bcc", 2.87, "4 4 4", (0, 6, 0, 8, 0), 2.87 ** 3 / 2, 14, np_)
        crystal("hcp", "hcp", a_hcp, "4 3 3", (0, 12, 0, 0, 0), math.sqrt(3) / 4 * a_hcp ** 2 * c_hcp, 12, np_)
        icosahedron(np_, "")
    icosahedron(None, "walls atoms 1.5")
    vc.finish()


if __name__ == "__main__":
    main()
