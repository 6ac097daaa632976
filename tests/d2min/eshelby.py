#!/usr/bin/python3
"""The Eshelby map of STZs (`d2min ... stz ... eshelby R`) against an
independent NumPy computation and a planted closed-form field.

A 13,500-atom Cu-Zr glass (tests/data replicated 3x3x3) is the reference;
the test plants eight Eshelby inclusions in it, 30 A apart, one at the box
corner (so its field crosses periodic boundaries and, on 3 ranks, rank
boundaries), each with its shear plane turned by ALPHA about z, the core atoms
(r < A_CORE) sheared by EPS and shaken at random (so they are the STZ),
the others displaced by the far field of a shear inclusion,
u = C a^3 [2(1 - 2 nu) E* n + 3 n (n.E*.n)] / r^2 (Eshelby 1957), tapered
to zero before half the box; then the whole box deformed (a small shear
and stretch, so the box's strain must be taken out). mgmd reads that
configuration with `reference file` of the unplanted glass and samples
once; two observers map it, one in the event's frame, one in the box's.

Checks:
- eight events are born, the planted cores;
- every bin of both maps (atom count, D2min, displacement relative to the
  cluster's, in-plane strain less the box's, volumetric strain) equals a
  NumPy binning of the per-atom values (J from the dump, the non-affine
  displacement u - F u0 from the two data files, the frame from the
  cluster's mean strain less the box's) to 1e-8, and the fit file's
  harmonic components (means over the events and their standard errors)
  equal NumPy's least squares (numpy.linalg.lstsq);
- the planted field's radial displacement has its positive lobes at +45
  degrees from the shear direction: mgmd's u_r lobe angle is 45 +- 4 deg
  in the event's frame and 45 + ALPHA +- 4 deg in the box's (the clusters'
  centres, from their atoms, sit ~1 A off the planted ones, which moves a
  single event's angle by up to ~7 deg); the volumetric strain's positive
  lobe at -45 +- 6 deg (the dilatation of the far field goes as
  -n.E*.n);
- the maps on 3 ranks equal those on 1 to 1e-10; tools/plot-eshelby draws
  the map; the per-atom D2min, strain and event-id columns reach extended
  XYZ (read with ASE) and H5MD (h5py) with the text dump's values;
- refusals: a map wider than half the box; eshelby without stz.
"""
import csv
import os
import re
import subprocess
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import d2common as dc  # noqa: E402

mt = dc.mt
check = mt.Checks()
RC = 5.0
RADIUS, BINS, SLAB = 12.0, 12, 5.0
ALPHA = 20.0            # deg: the inclusion's shear plane turned about z
A_CORE, EPS, NU = 5.0, 0.08, 0.35
POT = "potential eam/fs CuZr_mm.eam.fs Cu Zr\n"
TAPER = 14.0           # A: each planted field is zero beyond
# Eight inclusions, 30 A apart in the 60 A box: one at the corner (its field
# across every periodic boundary), the others about the box.
CENTRES = [(0.02, 0.03, 0.025)] + [(0.02 + 0.5 * i, 0.03 + 0.5 * j, 0.025 + 0.5 * k)
                                   for i in (0, 1) for j in (0, 1) for k in (0, 1) if i or j or k]
FBOX = np.array([[1.004, 0.012, 0.0], [0.0, 0.998, 0.0], [0.0, 0.0, 1.001]])


def plant(orig, path, seed=4):
    """Write the planted, box-deformed configuration: an inclusion at each
    of CENTRES (fractions of the box), tapered to nothing at TAPER so they
    do not overlap. Returns the number of shaken core atoms."""
    d = mt.read_data(orig)
    H0 = dc.cell(d)
    u0 = mt.unwrapped(d)
    lo = d["lo"]
    a = np.radians(ALPHA)
    R0 = np.array([[np.cos(a), np.sin(a), 0], [-np.sin(a), np.cos(a), 0], [0, 0, 1]])  # rows: x', y', z'
    Es = EPS * R0.T @ np.array([[0, 1, 0], [1, 0, 0], [0, 0, 0]]) @ R0  # the shear in the lab frame
    disp = np.zeros_like(u0)
    rng = np.random.default_rng(seed)
    ncore = 0
    for frac in CENTRES:
        c = lo + np.asarray(frac) @ H0.T
        f = (u0 - c) @ np.linalg.inv(H0).T
        r = (f - np.round(f)) @ H0.T
        rr = np.linalg.norm(r, axis=1)
        n = r / rr[:, None]
        nEn = np.einsum("ka,ab,kb->k", n, Es, n)
        far = (A_CORE ** 3 / (8 * (1 - NU))) * (2 * (1 - 2 * NU) * n @ Es + 3 * n * nEn[:, None]) / rr[:, None] ** 2
        taper = np.clip(1 - (rr / TAPER) ** 2, 0, None) ** 2
        disp += far * taper[:, None]
        core = rr < A_CORE
        disp[core] = r[core] @ Es + rng.normal(0, 0.25, (core.sum(), 3))
        ncore += core.sum()
    un = (u0 + disp - lo) @ FBOX.T + lo
    H = FBOX @ H0
    with open(path, "w") as out:
        out.write(f"planted Eshelby inclusions\n\n{len(un)} atoms\n2 atom types\n\n")
        out.write(f"{lo[0]:.17g} {lo[0] + H[0, 0]:.17g} xlo xhi\n{lo[1]:.17g} {lo[1] + H[1, 1]:.17g} ylo yhi\n"
                  f"{lo[2]:.17g} {lo[2] + H[2, 2]:.17g} zlo zhi\n{H[0, 1]:.17g} {H[0, 2]:.17g} {H[1, 2]:.17g} "
                  "xy xz yz\n\nMasses\n\n1 63.546 # Cu\n2 91.224 # Zr\n\nAtoms # atomic\n\n")
        for k in range(len(un)):
            out.write(f"{d['id'][k]} {d['type'][k]} {un[k, 0]:.17g} {un[k, 1]:.17g} {un[k, 2]:.17g} 0 0 0\n")
    return ncore


def frame_np(E, box_frame):
    if box_frame:
        return np.eye(3)
    val, vec = np.linalg.eigh(E)
    v1, v3 = vec[:, 2].copy(), vec[:, 0].copy()
    for v in (v1, v3):
        m = np.argmax(np.abs(v))
        if v[m] < 0:
            v *= -1
    s, n = (v1 - v3) / np.sqrt(2), (v1 + v3) / np.sqrt(2)
    return np.array([s, n, np.cross(s, n)])


def expected_map(ref, cur, fr, clusters, box_frame, r_in, r_out):
    """NumPy binning of the per-atom values around every event, and each
    event's least-squares harmonic components."""
    H0, H = dc.cell(ref), dc.cell(cur)
    F = H @ np.linalg.inv(H0)
    Ebox = 0.5 * (F.T @ F - np.eye(3))
    w = mt.unwrapped(cur) - mt.unwrapped(ref) @ F.T
    o = np.argsort(fr["id"])
    J = np.stack([fr[f"e_J{a}{b}"][o] for a in "xyz" for b in "xyz"], axis=1).reshape(-1, 3, 3)
    E = 0.5 * (np.einsum("kba,kbc->kac", J, J) - np.eye(3)) - Ebox
    valid = fr["e_valid"][o] == 1
    d2 = fr["e_d2min"][o]
    x = np.stack([fr["x"][o], fr["y"][o], fr["z"][o]], axis=1)
    ev = fr["e_stz"][o]
    vol = np.trace(E, axis1=1, axis2=2) / 3
    sums = np.zeros((BINS, BINS, 8))
    har = {"u_r": [], "vol": [], "exy": []}
    for row in clusters:
        inc = ev == int(row["event"])
        Ec = E[inc].mean(axis=0)
        wc = w[inc].mean(axis=0)
        c = np.array([float(row[k]) for k in ("x[A]", "y[A]", "z[A]")])
        R = frame_np(Ec, box_frame)
        f = (x - c) @ np.linalg.inv(H).T
        r = ((f - np.round(f)) @ H.T) @ R.T
        u = (w - wc) @ R.T
        Ef = np.einsum("ab,kbc,dc->kad", R, E, R)
        keep = valid & (np.abs(r[:, 2]) <= SLAB / 2) & (np.abs(r[:, 0]) <= RADIUS) & (np.abs(r[:, 1]) <= RADIUS)
        bw = 2 * RADIUS / BINS
        bx = np.clip(np.floor((r[:, 0] + RADIUS) / bw).astype(int), 0, BINS - 1)
        by = np.clip(np.floor((r[:, 1] + RADIUS) / bw).astype(int), 0, BINS - 1)
        q = np.stack([np.ones(len(x)), d2, u[:, 0], u[:, 1], Ef[:, 0, 0], Ef[:, 1, 1], Ef[:, 0, 1], vol], axis=1)
        np.add.at(sums, (by[keep], bx[keep]), q[keep])
        rho = np.hypot(r[:, 0], r[:, 1])
        ann = keep & (rho >= r_in) & (rho <= r_out) & (rho > 0)
        th = np.arctan2(r[:, 1], r[:, 0])
        ur = (r[:, 0] * u[:, 0] + r[:, 1] * u[:, 1]) / np.where(rho > 0, rho, 1)
        for name, val, k in (("u_r", ur, 2), ("vol", vol, 2), ("exy", Ef[:, 0, 1], 4)):
            t = th[ann]
            A = np.stack([np.ones(len(t)), np.cos(t), np.sin(t), np.cos(k * t), np.sin(k * t)], axis=1)
            coef = np.linalg.lstsq(A, val[ann], rcond=None)[0]
            har[name].append((coef[0], coef[3], coef[4]))
    return sums, {k: np.array(v) for k, v in har.items()}


def read_csv(path):
    with open(path) as f:
        return list(csv.DictReader(f))


def compare_map(rows, sums):
    worst, counts = 0.0, True
    for row in rows:
        x, y = float(row["x[A]"]), float(row["y[A]"])
        bw = 2 * RADIUS / BINS
        bx, by = int(round((x + RADIUS) / bw - 0.5)), int(round((y + RADIUS) / bw - 0.5))
        s = sums[by, bx]
        counts &= int(row["samples"]) == int(s[0])
        if s[0] == 0:
            continue
        mean = s / s[0]
        rho = np.hypot(x, y)
        want = {"d2min[A^2]": mean[1], "ux[A]": mean[2], "uy[A]": mean[3],
                "ur[A]": (x * mean[2] + y * mean[3]) / rho, "exx": mean[4], "eyy": mean[5], "exy": mean[6],
                "vol": mean[7]}
        for k, v in want.items():
            worst = max(worst, abs(float(row[k]) - v) / max(1.0, abs(v)))
    return worst, counts


def columns_in_other_formats(d, fr):
    """The per-atom D2min, strains and event ids reach extended XYZ (read by
    ASE, as OVITO reads it) and H5MD (h5py) with the text dump's values."""
    import h5py
    from ase.io import read
    at = read(os.path.join(d, "d.xyz"), format="extxyz", index=-1)
    o = np.argsort(at.arrays["id"])
    worst = max(np.max(np.abs(at.arrays[f"e_{c}"][o] - fr[f"e_{c}"])) for c in ("d2min", "shear", "vol", "stz"))
    with h5py.File(os.path.join(d, "d.h5"), "r") as f:
        p = f["particles/all"]
        worst_h = max(np.max(np.abs(p[f"e_{c}/value"][-1] - fr[f"e_{c}"])) for c in ("d2min", "shear", "vol", "stz"))
    check(worst == 0 and worst_h == 0 and fr["e_stz"].max() >= 1,
          "the columns e_d2min, e_shear, e_vol, e_stz in extended XYZ (ASE) and H5MD (h5py) equal the text dump's")


def deck(extra=""):
    return ("units metal\nread_data planted.data\n" + POT +
            f"d2min e cutoff {RC} A reference file orig.data J yes stz above 2 connect 3.8 A min_size 5 "
            f"eshelby {RADIUS} A bins {BINS} slab {SLAB} A file e\n"
            f"d2min b cutoff {RC} A reference file orig.data stz above 2 connect 3.8 A min_size 5 "
            f"eshelby {RADIUS} A bins {BINS} slab {SLAB} A frame box file b\n"
            "dump d every 1 file d.dump columns id x y z e_d2min e_shear e_vol e_valid e_stz " +
            " ".join(f"e_J{a}{b}" for a in "xyz" for b in "xyz") + " precision 17\n"
            "dump x every 1 file d.xyz format xyz columns id e_d2min e_shear e_vol e_stz precision 17\n"
            f"dump h every 1 file d.h5 format h5md columns id e_d2min e_shear e_vol e_stz\n{extra}run 0\n")


def main():
    with tempfile.TemporaryDirectory() as wd:
        base = os.path.join(wd, "one")
        mt.run_mgmd(f"units metal\nread_data {mt.DATA}/cuzr-glass.data\nreplicate 3 3 3\nwrite_data orig.data\n",
                    base)
        ncore = plant(os.path.join(base, "orig.data"), os.path.join(base, "planted.data"))
        maps = {}
        for np_ in (1, 3):
            d = os.path.join(wd, f"r{np_}")
            os.makedirs(d, exist_ok=True)
            for n in ("orig.data", "planted.data"):
                os.link(os.path.join(base, n), os.path.join(d, n))
            p = mt.run_mgmd(deck(), d, np_=None if np_ == 1 else np_)
            maps[np_] = {k: read_csv(os.path.join(d, f"{k}_eshelby.csv")) for k in ("e", "b")}
            if np_ != 1:
                continue
            check("Eshelby map of the events at their birth" in p.stdout, "the observer describes its map")
            cl = read_csv(os.path.join(d, "e_clusters.csv"))
            sizes = sorted(int(c["size"]) for c in cl)
            check(len(cl) == len(CENTRES) and sum(sizes) >= ncore,
                  f"{len(CENTRES)} clusters, the planted cores ({ncore} atoms shaken; clusters of {sizes} atoms)")
            ref = mt.read_data(os.path.join(d, "orig.data"))
            cur = mt.read_data(os.path.join(d, "planted.data"))
            fr = mt.read_dump(os.path.join(d, "d.dump"))[-1]
            columns_in_other_formats(d, fr)
            for name, box_frame, want_angle in (("e", False, 45.0), ("b", True, 45.0 + ALPHA)):
                fit = {r["quantity"]: r for r in read_csv(os.path.join(d, f"{name}_eshelby_fit.csv"))}
                r_in, r_out = float(fit["u_r"]["r_in[A]"]), float(fit["u_r"]["r_out[A]"])
                sums, har = expected_map(ref, cur, fr, cl, box_frame, r_in, r_out)
                worst, counts = compare_map(maps[1][name], sums)
                label = "box's" if box_frame else "event's"
                check(counts and worst <= 1e-8 and sums[:, :, 0].sum() > 1000,
                      f"{label} frame: every bin's count equal and means as NumPy's to {worst:.1e} (<= 1e-8; "
                      f"{int(sums[:, :, 0].sum())} atom-events in the map)")
                hw = 0.0
                for q, v in har.items():
                    n = len(v)
                    m, se = v.mean(axis=0), v.std(axis=0, ddof=1) / np.sqrt(n)
                    for j, col in enumerate(("mean", "cos", "sin")):
                        hw = max(hw, abs(float(fit[q][col]) - m[j]) / max(1e-3, abs(m[j])),
                                 abs(float(fit[q][col + "_se"]) - se[j]) / max(1e-3, abs(se[j])))
                check(hw <= 1e-8 and all(fit[q]["events"] == str(len(CENTRES)) for q in fit),
                      f"{label} frame: the means over {len(CENTRES)} events of the least-squares harmonic "
                      f"components of u_r, vol and exy, and their standard errors, as NumPy's to {hw:.1e}")
                ang, se = float(fit["u_r"]["lobe_angle[deg]"]), float(fit["u_r"]["lobe_angle_se[deg]"])
                check(abs(ang - want_angle) <= 4.0 and 0 < se < 4.0,
                      f"{label} frame: u_r lobe at {ang:.2f} +- {se:.2f} deg, the planted inclusions' "
                      f"{want_angle:g} +- 4")
                if not box_frame:
                    tool = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools",
                                        "plot-eshelby")
                    pp = subprocess.run(["/usr/bin/python3", tool, os.path.join(d, "e")], capture_output=True,
                                        text=True)
                    check(pp.returncode == 0 and mt.is_png(os.path.join(d, "e_eshelby.png")) and
                          "u_r" in pp.stdout, f"tools/plot-eshelby draws the map (exit {pp.returncode})")
                    va = float(fit["vol"]["lobe_angle[deg]"])
                    check(abs(va + 45.0) <= 6.0, f"event's frame: volumetric strain lobe at {va:.2f} deg, "
                          "Eshelby's -45 +- 6 (compressed along the tension axis)")
        worst = 0.0
        for name in ("e", "b"):
            for r1, r3 in zip(maps[1][name], maps[3][name]):
                for k in r1:
                    a, b = float(r1[k]), float(r3[k])
                    if not (np.isnan(a) and np.isnan(b)):
                        worst = max(worst, abs(a - b) / max(1.0, abs(a)))
        check(worst <= 1e-10, f"3 ranks: both maps as on 1 rank to {worst:.1e} (<= 1e-10)")

        d = os.path.join(wd, "r1")
        for text, want in (
                (deck().replace(f"eshelby {RADIUS} A bins {BINS}", "eshelby 22 A bins 8", 1),
                 r"d2min e: the Eshelby map \(radius 22 A, slab 5 A\) reaches 31\.21 A from an event, more than half "
                 r"the box across dimension x"),
                ("units metal\nread_data planted.data\nd2min e eshelby 10 A file e\n",
                 r"in\.deck:3: d2min: eshelby maps the surroundings of STZs: give 'stz above\|top\|background")):
            p = mt.run_mgmd(text, d, check=False)
            check(p.returncode == 2 and re.search(want, p.stdout + p.stderr),
                  f"refused (exit {p.returncode}): {want[:60]}")
    check.finish()


if __name__ == "__main__":
    main()
