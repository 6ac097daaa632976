"""Shared by the D2min tests: an independent NumPy implementation of the
non-affine displacement and atomic strain (Falk & Langer 1998; Shimizu,
Ogata & Li 2007) from two LAMMPS data files of the same atoms."""
import itertools
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import mgmdtest as mt  # noqa: E402

SHIFTS = np.array(list(itertools.product((-1, 0, 1), repeat=3)), dtype=float)


def cell(d):
    L = d["hi"] - d["lo"]
    xy, xz, yz = d["tilt"]
    return np.array([[L[0], xy, xz], [0, L[1], yz], [0, 0, L[2]]])


def strain_invariants(E):
    """von Mises shear strain and volumetric strain of a symmetric 3x3 E."""
    a, b, c = E[0, 0] - E[1, 1], E[0, 0] - E[2, 2], E[1, 1] - E[2, 2]
    eta = np.sqrt(E[0, 1] ** 2 + E[0, 2] ** 2 + E[1, 2] ** 2 + (a * a + b * b + c * c) / 6.0)
    return eta, np.trace(E) / 3.0


def reference_pairs(ref, rc, periodic=(True, True, True)):
    """For each atom i: (j, d0, t) of every periodic image of every atom
    within rc in the reference, t the image's lattice shift (integers in
    the reference cell's basis). Brute force over 27 images after folding
    the separation into the primary cell along periodic dimensions."""
    H0 = cell(ref)
    H0i = np.linalg.inv(H0)
    u0 = mt.unwrapped(ref)
    per = np.array(periodic, dtype=float)
    shifts = SHIFTS * per  # no images along non-periodic dimensions
    shifts = np.unique(shifts, axis=0)
    out = []
    for i in range(len(u0)):
        D = u0 - u0[i]
        s = np.round(D @ H0i.T) * per
        D = D - s @ H0.T
        js, d0s, ts = [], [], []
        for m in shifts:
            d0 = D - H0 @ m
            r = np.linalg.norm(d0, axis=1)
            ok = r < rc
            if not m.any():
                ok[i] = False
            js.append(np.nonzero(ok)[0])
            d0s.append(d0[ok])
            ts.append(s[ok] + m)
        out.append((np.concatenate(js), np.concatenate(d0s), np.concatenate(ts)))
    return out


def d2min_numpy(ref, cur, rc, normalize=False, mapping="off", periodic=(True, True, True), pairs=None):
    """Per atom (sorted by id): D2min, eta, vol, J (n,3,3), neighbour count,
    valid flag. The current separation of a pair is the difference of the
    unwrapped positions minus the same lattice shift in the present cell;
    along non-periodic dimensions the cell does not count as deforming."""
    assert np.array_equal(ref["id"], cur["id"])  # read_data sorts by id
    H0, H = cell(ref), cell(cur)
    for k in range(3):
        if not periodic[k]:
            H0[:, k] = H[:, k] = np.eye(3)[k]
    F = H @ np.linalg.inv(H0)
    Fi = np.linalg.inv(F)
    u = mt.unwrapped(cur)
    if pairs is None:
        pairs = reference_pairs(ref, rc, periodic)
    n = len(u)
    d2 = np.zeros(n)
    eta = np.zeros(n)
    vol = np.zeros(n)
    J = np.tile(np.eye(3), (n, 1, 1))
    nn = np.zeros(n, dtype=int)
    valid = np.zeros(n, dtype=int)
    for i, (js, d0, t) in enumerate(pairs):
        nn[i] = len(js)
        d = u[js] - u[i] - t @ H.T
        if mapping == "reference":
            d = d @ Fi.T
        elif mapping == "current":
            d0 = d0 @ F.T
        if len(js) < 3:
            continue
        V = d0.T @ d0
        if np.linalg.det(V) <= 1e-12 * (np.trace(V) / 3) ** 3:
            continue
        W = d.T @ d0
        Ji = W @ np.linalg.inv(V)
        res = d - d0 @ Ji.T
        d2[i] = np.sum(res * res) / (len(js) if normalize else 1)
        E = 0.5 * (Ji.T @ Ji - np.eye(3))
        eta[i], vol[i] = strain_invariants(E)
        J[i] = Ji
        valid[i] = 1
    return {"id": ref["id"], "d2min": d2, "shear": eta, "vol": vol, "J": J, "nnb": nn, "valid": valid}
