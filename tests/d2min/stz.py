#!/usr/bin/python3
"""STZ detection (the d2min observer's `stz` options; docs/analysis.md
"STZ detection"), against an independent NumPy/SciPy clustering:

1. A planted cluster: the atoms of the Cu-Zr glass within 4.5 A of the
   box corner (so across every periodic boundary and, on several ranks,
   across rank boundaries) displaced at random by up to 0.3 A; `stz above
   0.3` joined within 3.8 A. The active atoms (D2min >= 0.3 A^2 in the
   dump) fall into the same clusters as NumPy's connected components
   (minimum-image distances in the box, scipy.sparse.csgraph), on 1, 2 and
   4 ranks, with identical tables; every planted atom is in the one large
   cluster; its size, centre (periodic), radius of gyration and mean and
   largest D2min agree with NumPy's to 1e-8, its mean strain tensor,
   principal strains and plane of largest shear with NumPy's J.
2. Events: sampled three times without change, the cluster is one event
   seen in three samples; after `d2min NAME reset` (no cluster) the event
   ends and its row reads samples = 3.
   tools/plot-stz draws the catalogue.
3. `stz top 0.1`: exactly the 50 atoms of largest D2min (of 500) are
   active; `stz background 4`: the threshold is 4 times the first
   sample's mean D2min.
"""
import os
import subprocess
import sys
import tempfile

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import d2common as dc  # noqa: E402
import ranks  # noqa: E402

mt = dc.mt
check = mt.Checks()
CONNECT = 3.8


def read_csv(path):
    with open(path) as f:
        head = f.readline().strip().split(",")
        rows = [list(map(float, l.split(","))) for l in f if l.strip()]
    a = np.array(rows).reshape(len(rows), len(head))
    return {h.split("[")[0]: a[:, k] for k, h in enumerate(head)}


def deck(ids, stz, extra=""):
    return f"""units metal
read_data {mt.DATA}/cuzr-glass.data
potential eam/fs CuZr_mm.eam.fs Cu Zr
d2min dm cutoff 5 A file dm {stz} connect {CONNECT} A at_end no
group cl id {' '.join(str(i) for i in ids)}
displace_atoms cl random 0.3 0.3 0.3 seed 5
write_data cur.data
{extra}dump d every 1 file d.dump columns id x y z dm_d2min dm_stz precision 17
run 0
"""


def components(cur, active):
    """Connected components of the active atoms, minimum image, NumPy."""
    H = dc.cell(cur)
    x = cur["x"][active]
    f = x @ np.linalg.inv(H).T
    df = f[:, None, :] - f[None, :, :]
    df -= np.round(df)
    r = np.linalg.norm(df @ H.T, axis=2)
    i, j = np.nonzero((r < CONNECT) & ~np.eye(len(x), dtype=bool))
    n, lab = connected_components(coo_matrix((np.ones(len(i)), (i, j)), shape=(len(x), len(x))), directed=False)
    return n, lab, x, H


def planted(wd):
    ids = ranks.corner_ids(os.path.join(mt.DATA, "cuzr-glass.data"), 4.5)
    text = deck(ids, "stz above 0.3", "analyze dm\nanalyze dm\nanalyze dm\nd2min dm reset\nanalyze dm\n")
    tables = {}
    for np_ in (1, 2, 4):
        d = os.path.join(wd, f"planted{np_}")
        mt.run_mgmd(text, d, np_=None if np_ == 1 else np_)
        tables[np_] = [open(os.path.join(d, f), "rb").read() for f in ("dm_clusters.csv", "dm_events.csv")]
        tables[np_].append(read_csv(os.path.join(d, "dm.csv")))
    t1 = tables[1][2]
    worst = max(np.max(np.abs(tables[n][2][k] - t1[k]) / np.maximum(1.0, np.abs(t1[k]))) for n in (2, 4) for k in t1)
    check(tables[1][:2] == tables[2][:2] == tables[4][:2] and worst < 1e-12, "planted cluster: dm_clusters.csv and "
          f"dm_events.csv byte-identical on 1, 2 and 4 ranks, dm.csv to {worst:.1e}")
    d = os.path.join(wd, "planted1")
    cur = mt.read_data(os.path.join(d, "cur.data"))
    cl = read_csv(os.path.join(d, "dm_clusters.csv"))
    ev = read_csv(os.path.join(d, "dm_events.csv"))
    tab = read_csv(os.path.join(d, "dm.csv"))
    # The analyses of the displaced state (samples 1-3) are the same; the
    # dump is of the last, after the reset: recompute the active set from
    # a fresh run that dumps the displaced state.
    d1 = os.path.join(wd, "one-sample")
    mt.run_mgmd(deck(ids, "stz above 0.3", "analyze dm\n"), d1)
    fr = mt.read_dump(os.path.join(d1, "d.dump"))[-1]
    active = fr["dm_d2min"] >= 0.3
    n, lab, x, H = components(cur, active)
    ev_of = fr["dm_stz"][active]
    same = all(len(set(ev_of[lab == k])) == 1 for k in range(n)) and len(set(ev_of)) == n and np.all(ev_of > 0)
    check(same, f"planted cluster: the {active.sum()} active atoms form NumPy's {n} connected component(s) "
          f"(within {CONNECT} A, minimum image), one event id each")
    big = np.argmax(np.bincount(lab))
    members = cur["id"][active][lab == big]
    check(set(ids) <= set(members), f"every one of the {len(ids)} planted atoms is in the largest cluster "
          f"({len(members)} atoms)")
    # Its statistics against NumPy.
    xb = x[lab == big]
    off = xb - xb[0]
    fo = off @ np.linalg.inv(H).T
    fo -= np.round(fo)
    off = fo @ H.T
    mean = off.mean(axis=0)
    centre = xb[0] + mean
    fc = (centre - cur["lo"]) @ np.linalg.inv(H).T
    centre = cur["lo"] + (fc - np.floor(fc)) @ H.T
    rg = np.sqrt(np.mean(np.sum((off - mean) ** 2, axis=1)))
    d2b = fr["dm_d2min"][active][lab == big]
    row = int(np.argmax(cl["size"][:1 if n == 1 else None]))
    got = np.array([cl["size"][row], cl["x"][row], cl["y"][row], cl["z"][row], cl["rg"][row], cl["d2min_mean"][row],
                    cl["d2min_max"][row]])
    want = np.array([len(xb), *centre, rg, d2b.mean(), d2b.max()])
    err = np.max(np.abs(got - want) / np.maximum(1, np.abs(want)))
    check(err < 1e-8, f"the cluster's size {int(got[0])}, centre ({got[1]:.3f}, {got[2]:.3f}, {got[3]:.3f}) A, "
          f"rg {got[4]:.3f} A, mean and largest D2min {got[5]:.4f}, {got[6]:.4f} A^2 as NumPy's to {err:.1e}")
    # The cluster's strain: the mean Green-Lagrange strain of its atoms from
    # NumPy's J, its principal values and the normal of the plane of
    # largest shear ((v1 + v3)/sqrt 2, up to sign).
    ref = mt.read_data(os.path.join(mt.DATA, "cuzr-glass.data"))
    J = dc.d2min_numpy(ref, cur, 5.0)["J"][active][lab == big]
    E = np.mean([0.5 * (j.T @ j - np.eye(3)) for j in J], axis=0)
    w, v = np.linalg.eigh(E)
    nrm = (v[:, 2] + v[:, 0]) / np.sqrt(2)
    got_e = np.array([cl[k][row] for k in ("exx", "eyy", "ezz", "exy", "exz", "eyz", "e1", "e2", "e3")])
    want_e = np.array([E[0, 0], E[1, 1], E[2, 2], E[0, 1], E[0, 2], E[1, 2], w[2], w[1], w[0]])
    got_n = np.array([cl["nx"][row], cl["ny"][row], cl["nz"][row]])
    err_e = np.max(np.abs(got_e - want_e))
    check(err_e < 1e-9 and abs(abs(got_n @ nrm) - 1) < 1e-6 and abs(cl["gamma_max"][row] - (w[2] - w[0])) < 1e-9,
          f"its mean strain, principal values and plane of largest shear as NumPy's (components to {err_e:.1e}, "
          f"|n.n_numpy| = {abs(got_n @ nrm):.8f})")
    check(len(cl["step"]) == 3 * n and np.all(tab["clusters"][:3] == n) and tab["clusters"][3] == 0,
          f"three samples with {n} cluster(s) each, none after the reset")
    check(len(ev["event"]) == n and np.all(ev["samples"] == 3) and np.all(tab["new_events"][:3] == [n, 0, 0]),
          f"events: {n} event(s), each seen in 3 samples, ended (written) at the sample after the reset")
    tool = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools", "plot-stz")
    p = subprocess.run([sys.executable, tool, os.path.join(d, "dm")], capture_output=True, text=True)
    hist = read_csv(os.path.join(d, "dm_stz_sizes.csv")) if os.path.exists(os.path.join(d, "dm_stz_sizes.csv")) else {}
    check(hist and int(hist["clusters"].sum()) == len(cl["size"]) and int(hist["events"].sum()) == len(ev["event"]) and
          all(int(np.sum(cl["size"] == k)) == int(c) for k, c in zip(hist["size"], hist["clusters"])),
          "tools/plot-stz's size distribution (dm_stz_sizes.csv) counts every cluster row and ended event by size")
    check(p.returncode == 0 and mt.is_png(os.path.join(d, "dm_stz.png")) and f"{len(xb)}.0" in p.stdout,
          f"tools/plot-stz draws the catalogue (exit {p.returncode}): {p.stdout.strip().splitlines()[1:2]}")


def fractions(wd):
    d = os.path.join(wd, "top")
    mt.run_mgmd(deck([1, 2], "stz top 0.1 min_size 1", "analyze dm\n"), d)
    fr = mt.read_dump(os.path.join(d, "d.dump"))[-1]
    tab = read_csv(os.path.join(d, "dm.csv"))
    order = np.sort(fr["dm_d2min"])[::-1]
    check(np.sum(fr["dm_stz"] > 0) == 50 and tab["cluster_atoms"][0] == 50 and
          abs(tab["stz_threshold"][0] / order[49] - 1) < 1e-9 and order[50] < order[49],
          f"stz top 0.1: the 50 atoms of largest D2min are in clusters, threshold = the 50th largest "
          f"({order[49]:.4g} A^2)")
    g = mt.read_data(os.path.join(mt.DATA, "cuzr-glass.data"))
    vol = np.prod(g["hi"] - g["lo"]) * 1e-3  # nm^3, the box is orthogonal and unchanged
    check(np.allclose(tab["clusters_per_1000_atoms"], 1000 * tab["clusters"] / tab["atoms"], rtol=1e-9) and
          np.allclose(tab["cluster_density"], tab["clusters"] / vol, rtol=1e-8) and tab["clusters"][0] > 0,
          f"spatial density of the clusters: {tab['clusters_per_1000_atoms'][0]:.4g} per 1000 atoms, "
          f"{tab['cluster_density'][0]:.4g} per nm^3 (box {vol:.4g} nm^3)")
    d = os.path.join(wd, "background")
    text = (f"units metal\nread_data {mt.DATA}/cuzr-glass.data\npotential eam/fs CuZr_mm.eam.fs Cu Zr\n"
            "velocity create 300 K seed 2\nensemble nvt temp 300 K tdamp 0.1 ps\n"
            f"d2min dm cutoff 5 A file dm reference window every 50 stz background 4 connect {CONNECT} A\n"
            "run 200\n")
    mt.run_mgmd(text, d)
    tab = read_csv(os.path.join(d, "dm.csv"))
    # Step 0 is a window of no steps (D2min round-off): no threshold; the
    # background is the mean of the first real window (steps 0-50).
    check(np.isnan(tab["stz_threshold"][0]) and tab["clusters"][0] == 0 and
          np.allclose(tab["stz_threshold"][1:], 4 * tab["d2min_mean"][1], rtol=1e-9, atol=0) and
          tab["d2min_mean"][1] > 0.01,
          f"stz background 4: no threshold at step 0 (an empty window), then {tab['stz_threshold'][-1]:.4g} A^2 = "
          f"4 x the first window's mean {tab['d2min_mean'][1]:.4g} A^2")


def main():
    with tempfile.TemporaryDirectory() as wd:
        planted(wd)
        fractions(wd)
    check.finish()


if __name__ == "__main__":
    main()
