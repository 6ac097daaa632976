"""Voronoi cells of the Cu64Zr36 glass (orthogonal box) and liquid (triclinic
box), plain and radical (Cu 1.28 A, Zr 1.60 A), on N ranks, against

  - the Voro++ command-line tool: every atom's Voronoi index (exact) and
    volume. Orthogonal: its periodic container (-p). Triclinic: a
    non-periodic container holding the atoms and their periodic images
    within 8 A of the box (Voro++'s tool has no triclinic container); the
    original atoms' cells are then complete (checked: no wall faces);
  - LAMMPS' compute voronoi/atom: every atom's volume and face count;

and checks that the volumes fill the box and that the CSV tables agree with
the per-atom columns.

Tolerances: indices and face counts are integers and must match exactly.
The Voro++ tool prints volumes with 6 significant digits (%g), so its
volumes are compared to 1e-5 relative (half a unit in the 6th digit is at
most 5e-6). LAMMPS' volumes (dumped with %.17g) agree to 1e-10 relative: both sides run the same Voro++ plane
cutting in double precision on the same points, and only the order of the
cuts (different containers and block grids) changes, which moves a 15 A^3
volume by ~1e-14 A^3; 1e-10 leaves four orders of margin yet would catch a
single misplaced plane (a change of ~1e-3 or more). The volume sum has a
1e-9 relative tolerance for the same reason (500 terms).

    glass.py [--np N]     (N ranks via mpirun; default 1 without mpirun)
"""
import argparse
import os

import numpy as np

import vorcommon as vc
from vorcommon import check

VOL_RTOL = 1e-10
CLI_RTOL = 1e-5  # voro++ prints volumes with %g: 6 significant digits


def compare(label, r, ref_index, ref_vol, ref_nf, what, vol_rtol=VOL_RTOL):
    """r: mgmd result; ref_*: {id: value}. Counts exact, volumes to vol_rtol."""
    ids = r["id"]
    bad_idx = [int(i) for k, i in enumerate(ids) if ref_index is not None and vc.index_of(r, k) != ref_index[int(i)]]
    if ref_index is not None:
        check(not bad_idx, "%s: Voronoi index of all %d atoms = %s%s" % (label, len(ids), what,
                                                                         "" if not bad_idx else " (differ: ids %s)" % bad_idx[:10]))
    v = np.array([ref_vol[int(i)] for i in ids])
    err = np.max(np.abs(r["vol"] - v) / v)
    check(err < vol_rtol, "%s: volumes = %s (max rel. diff %.2g < %g)" % (label, what, err, vol_rtol))
    nf = np.array([ref_nf[int(i)] for i in ids])
    nbad = int(np.sum(nf != r["cn"]))
    check(nbad == 0, "%s: face count (cn) = %s for all atoms (%d differ)" % (label, what, nbad))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--np", type=int, default=1)
    a = ap.parse_args()
    np_ = a.np if a.np > 1 else None
    radical = "radical yes radius Cu 1.28 Zr 1.60"
    have_lammps = vc.lammps_binary() is not None

    for case, data in (("orthogonal", "cuzr-glass.data"), ("triclinic", "cuzr-triclinic.data")):
        path = os.path.join(vc.mt.DATA, data)
        d = vc.mt.read_data(path)
        wd = vc.workdir(case)
        res, out = vc.run_voronoi(wd, vc.glass_setup(path), [("v", ""), ("r", radical)], np_=np_)
        label = "%s np=%d" % (case, a.np)
        L = d["hi"] - d["lo"]
        boxvol = L[0] * L[1] * L[2]
        for name in ("v", "r"):
            tot = res[name]["vol"].sum()
            check(abs(tot - boxvol) < 1e-9 * boxvol, "%s %s: cell volumes sum to the box volume (%.12g vs %.12g)" %
                  (label, name, tot, boxvol))
            check(not res[name]["surface"].any(), "%s %s: no surface atoms in a periodic box" % (label, name))
            vc.check_tables("%s %s" % (label, name), wd, name, res[name])

        # Voro++ command-line tool
        radii = np.array([vc.RADII[t] for t in d["type"]])
        if case == "orthogonal":
            for name, rad in (("v", None), ("r", radii)):
                ref = vc.voro_cli(wd, d["id"], d["x"], d["lo"], d["hi"], (True, True, True), rad, tag=name)
                compare("%s %s" % (label, "radical" if rad is not None else "plain"), res[name],
                        {i: vc.freq_index(c["freq"]) for i, c in ref.items()}, {i: c["vol"] for i, c in ref.items()},
                        {i: c["nfaces"] for i, c in ref.items()}, "voro++ -p", CLI_RTOL)
        else:
            ids, types, x, orig, lo, hi = vc.images(d, 8.0)
            for name, rad in (("v", None), ("r", np.array([vc.RADII[t] for t in types]))):
                ref = vc.voro_cli(wd, ids, x, lo, hi, (False, False, False), rad, tag=name)
                walls = [i for i in d["id"] if min(ref[int(i)]["neigh"]) < 0]
                check(not walls, "%s: reference cells of the original atoms are complete" % label)
                compare("%s %s" % (label, "radical" if rad is not None else "plain"), res[name],
                        {int(i): vc.freq_index(ref[int(i)]["freq"]) for i in d["id"]},
                        {int(i): ref[int(i)]["vol"] for i in d["id"]},
                        {int(i): ref[int(i)]["nfaces"] for i in d["id"]}, "voro++ with images", CLI_RTOL)

        # LAMMPS
        if have_lammps:
            lw = os.path.join(wd, "lammps")
            os.makedirs(lw)
            ref = vc.lammps_voronoi(lw, path)
            for name, kind in (("v", "plain"), ("r", "radical")):
                compare("%s %s" % (label, kind), res[name], None, {i: v[0] for i, v in ref[kind].items()},
                        {i: v[1] for i, v in ref[kind].items()}, "LAMMPS compute voronoi/atom")
        else:
            print("skip LAMMPS comparison: no lmp")
    vc.finish()


if __name__ == "__main__":
    main()
