"""Helpers of the profile tests: random point sets of known density and
shape written as LAMMPS data files, the profile tables, dumps, and the
NumPy reference of a profile (bins of distances from a centre).
Standard library + numpy only."""
import csv
import os
import shutil
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import mgmdtest as mt  # noqa: E402

POT = "/usr/share/lammps/potentials/CuZr_mm.eam.fs"
MASS = {1: 63.546, 2: 91.224}
BAR_A3_TO_GPA_A3 = 1e-4  # dump stresses are bar A^3

CHECKS = mt.Checks()
check = CHECKS.check


def workdir(name):
    d = os.path.join(os.environ.get("MGMD_TEST_TMP", "/tmp"), "mgmd-profile-%d" % os.getpid(), name)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    return d


def finish():
    """Exit 1 if a check failed (keeping the work folders), else clean up."""
    if CHECKS.summary():
        sys.exit(1)
    shutil.rmtree(os.path.join(os.environ.get("MGMD_TEST_TMP", "/tmp"), "mgmd-profile-%d" % os.getpid()),
                  ignore_errors=True)


def random_points(n, inside, sample, dmin, period, rng):
    """n points drawn by `sample(k, rng)` (k candidates, uniform in a region
    containing the shape) that are `inside`, none closer than dmin to
    another (random sequential addition; `period`: the box lengths along
    the periodic dimensions, None elsewhere). At the low densities used
    (excluded volume fraction ~5 %) the density stays uniform to ~1 %."""
    grid = {}
    cell = dmin
    pts = []

    def key(x):
        return tuple(int(np.floor(x[d] / cell)) for d in range(3))

    while len(pts) < n:
        cand = sample(4096, rng)
        cand = cand[inside(cand)]
        for x in cand:
            k = key(x)
            ok = True
            for dx in (-1, 0, 1):
                for dy in (-1, 0, 1):
                    for dz in (-1, 0, 1):
                        kk = [k[0] + dx, k[1] + dy, k[2] + dz]
                        for d in range(3):
                            if period[d]:
                                kk[d] %= int(round(period[d] / cell))
                        for y in grid.get(tuple(kk), ()):
                            v = x - y
                            for d in range(3):
                                if period[d]:
                                    v[d] -= period[d] * np.round(v[d] / period[d])
                            if v @ v < dmin * dmin:
                                ok = False
                                break
                        if not ok:
                            break
                    if not ok:
                        break
                if not ok:
                    break
            if ok:
                kk = list(k)
                for d in range(3):
                    if period[d]:
                        kk[d] %= int(round(period[d] / cell))
                grid.setdefault(tuple(kk), []).append(x)
                pts.append(x)
                if len(pts) == n:
                    break
    return np.array(pts)


def write_data(path, lo, hi, types, x):
    with open(path, "w") as f:
        f.write("random points (tests/profile)\n\n%d atoms\n2 atom types\n" % len(x))
        for d, nm in enumerate("xyz"):
            f.write("%.10f %.10f %slo %shi\n" % (lo[d], hi[d], nm, nm))
        f.write("\nMasses\n\n1 63.546\n2 91.224\n\nAtoms # atomic\n\n")
        for i, (t, p) in enumerate(zip(types, x)):
            f.write("%d %d %.12f %.12f %.12f\n" % (i + 1, t, p[0], p[1], p[2]))


def read_csv(path):
    """CSV -> (header list, dict of float arrays keyed by the full header)."""
    with open(path) as f:
        rows = list(csv.reader(f))
    head = rows[0]
    data = np.array([[float(v) for v in r] for r in rows[1:]]) if len(rows) > 1 else np.zeros((0, len(head)))
    return head, {h: data[:, k] for k, h in enumerate(head)}


def read_dump(path):
    """Last frame of a LAMMPS text dump -> dict column -> array, sorted by id."""
    with open(path) as f:
        lines = f.read().split("\n")
    start = max(k for k, l in enumerate(lines) if l.startswith("ITEM: ATOMS"))
    names = lines[start].split()[2:]
    a = np.array([l.split() for l in lines[start + 1:] if l.strip()], dtype=float)
    a = a[np.argsort(a[:, names.index("id")])]
    return {n: a[:, k] for k, n in enumerate(names)}


def voigt_matrix(d, k):
    """3x3 per-atom stress x volume of atom k from dump columns (bar A^3)."""
    s = [d[c][k] for c in ("sxx", "syy", "szz", "sxy", "sxz", "syz")]
    return np.array([[s[0], s[3], s[4]], [s[3], s[1], s[5]], [s[4], s[5], s[2]]])


def reference(x, center, axis, mode, dr, nbins, length_or_area, types, extra=None):
    """NumPy profile of one sample: bins of the distance of x from `center`
    (radial: in the plane normal to `axis`; normal: |coordinate| along it),
    counts, densities, Cu fraction and per-bin means of `extra` columns
    (dict name -> per-atom values). Returns dict of per-bin arrays (the
    bin volumes as "vshell"), and per atom "r", "bin", "dv" (displacement
    from the centre, the axial part removed for radial)."""
    e = np.zeros(3)
    e[axis] = 1.0
    dv = x - center
    if mode == "radial":
        dv = dv - np.outer(dv @ e, e)
        r = np.linalg.norm(dv, axis=1)
    else:
        r = np.abs(dv @ e)
    k = np.floor(r / dr).astype(int)
    lo = np.arange(nbins) * dr
    hi = lo + dr
    vol = np.pi * (hi ** 2 - lo ** 2) * length_or_area if mode == "radial" else 2 * length_or_area * dr * np.ones(nbins)
    out = {"r": r, "bin": k, "lo": lo, "hi": hi, "vshell": vol, "dv": dv}
    inb = k < nbins
    cnt = np.bincount(k[inb], minlength=nbins).astype(float)
    out["count"] = cnt
    out["density"] = cnt / vol
    with np.errstate(invalid="ignore", divide="ignore"):
        out["x_Cu"] = np.bincount(k[inb], weights=(types[inb] == 1).astype(float), minlength=nbins) / cnt
        for name, v in (extra or {}).items():
            out[name] = np.bincount(k[inb], weights=v[inb], minlength=nbins) / cnt
    return out


def close(a, b, rel):
    """Arrays equal within rel of the larger |value| of the column (NaN at
    the same places)."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    if a.shape != b.shape or not np.array_equal(np.isnan(a), np.isnan(b)):
        return False
    m = ~np.isnan(a)
    if not m.any():
        return True
    scale = max(np.max(np.abs(a[m])), np.max(np.abs(b[m])), 1e-300)
    return np.max(np.abs(a[m] - b[m])) <= rel * scale
