"""Independent NumPy reference for mgmd's pair structure (rdf observer):
explicit periodic-image sums over all pairs, the same bins, the same
normalisation, and the sine transform by direct quadrature (a plain sum,
no FFT). Shared by the tests in this folder; standard library + numpy."""
import itertools
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import mgmdtest as mt  # noqa: E402

# Sears, Neutron News 3, 26 (1992): bound coherent scattering lengths, fm.
SEARS_B = {"Cu": 7.718, "Zr": 7.16, "Ni": 10.3, "Pd": 5.91, "Al": 3.449, "P": 5.13}


def box_matrix(d):
    L = d["hi"] - d["lo"]
    xy, xz, yz = d["tilt"]
    return np.array([[L[0], xy, xz], [0, L[1], yz], [0, 0, L[2]]])


def face_distances(H):
    return 1.0 / np.linalg.norm(np.linalg.inv(H), axis=1)


def pair_counts(x, types, H, rmax, nbins, ntypes, periodic=(True, True, True)):
    """Ordered pair counts [centre type, neighbour type, bin] (types 1-based
    in, 0-based out) summed over every periodic image within rmax, an atom's
    own images included (i == j with a non-zero shift); bin floor(r/dr).
    Fractional differences are first reduced to [-1/2, 1/2]; an image within
    rmax then has |n_k| <= rmax/h_k + 1/2 (h_k: distance between faces k)."""
    n = len(x)
    fd = face_distances(H)
    Hinv = np.linalg.inv(H)
    f = x @ Hinv.T
    df = f[None, :, :] - f[:, None, :]  # df[i, j] = f_j - f_i
    for k in range(3):
        if periodic[k]:
            df[:, :, k] -= np.round(df[:, :, k])
    ranges = [range(-int(np.ceil(rmax / fd[k] + 0.5)), int(np.ceil(rmax / fd[k] + 0.5)) + 1) if periodic[k] else [0]
              for k in range(3)]
    counts = np.zeros((ntypes, ntypes, nbins), np.int64)
    ti = np.repeat(types - 1, n).reshape(n, n)
    tj = np.tile(types - 1, n).reshape(n, n)
    for shift in itertools.product(*ranges):
        d = (df + np.array(shift, float)) @ H.T
        r2 = np.einsum("ijk,ijk->ij", d, d)
        mask = r2 < rmax * rmax
        if shift == (0, 0, 0):
            np.fill_diagonal(mask, False)
        if not mask.any():
            continue
        b = np.floor(np.sqrt(r2[mask]) * (nbins / rmax)).astype(np.int64)
        keep = b < nbins
        np.add.at(counts, (ti[mask][keep], tj[mask][keep], b[keep]), 1)
    return counts


def shell_volumes(nbins, dr):
    k = np.arange(nbins, dtype=float)
    return 4.0 * np.pi / 3.0 * ((k + 1) ** 3 - k ** 3) * dr ** 3


def partial_g(counts, natoms_by_type, volume, nbins, dr, samples=1):
    """g_ab from ordered counts summed over `samples` samples of the same
    volume: counts / (samples N_a (N_b - delta_ab) / V * shell)."""
    nt = len(natoms_by_type)
    g = np.zeros((nt, nt, nbins))
    sv = shell_volumes(nbins, dr)
    for a in range(nt):
        for b in range(nt):
            norm = samples * natoms_by_type[a] * (natoms_by_type[b] - (a == b)) / volume
            g[a, b] = counts[a, b] / (norm * sv)
    return g


def sine_quadrature(g, rho, rmax, q, window="none"):
    """S(q) = 1 + 4 pi rho sum_k dr r_k^2 (g_k - 1) W_k sin(q r_k)/(q r_k),
    the midpoint rule on the bin centres, as a direct sum."""
    nb = len(g)
    dr = rmax / nb
    r = (np.arange(nb) + 0.5) * dr
    w = np.sinc(r / rmax) if window == "lorch" else np.ones(nb)  # np.sinc(x) = sin(pi x)/(pi x)
    qr = np.outer(q, r)
    return 1.0 + 4.0 * np.pi * rho * dr * (np.sin(qr) / qr) @ (r * r * (g - 1.0) * w)


def sine_exact_bins(g, rho, rmax, q):
    """The same integral with g constant within each bin, integrated exactly:
    int r sin(qr) dr = [sin(qr)/q^2 - r cos(qr)/q] (to gauge the midpoint rule)."""
    nb = len(g)
    dr = rmax / nb
    e = np.arange(nb + 1) * dr
    F = np.sin(np.outer(q, e)) / q[:, None] ** 2 - e[None, :] * np.cos(np.outer(q, e)) / q[:, None]
    return 1.0 + 4.0 * np.pi * rho / q * ((F[:, 1:] - F[:, :-1]) @ (g - 1.0))


def read_csv(path):
    """mgmd CSV -> (header names, dict name -> array); text columns stay str."""
    with open(path) as f:
        header = f.readline().strip().split(",")
        rows = [line.strip().split(",") for line in f if line.strip()]
    out = {}
    for k, h in enumerate(header):
        col = [r[k] for r in rows]
        try:
            out[h] = np.array([float(v) for v in col])
        except ValueError:
            out[h] = col
    return header, out


def read_dump(path):
    """LAMMPS text dump (orthogonal box, columns id type x y z) -> list of
    (step, lo, hi, ids, types, x) sorted by id."""
    frames = []
    with open(path) as f:
        lines = f.read().split("\n")
    i = 0
    while i < len(lines):
        if lines[i].startswith("ITEM: TIMESTEP"):
            step = int(lines[i + 1])
            n = int(lines[i + 3])
            b = np.array([[float(v) for v in lines[i + 5 + k].split()[:2]] for k in range(3)])
            a = np.array([[float(v) for v in lines[i + 9 + k].split()] for k in range(n)])
            a = a[np.argsort(a[:, 0])]
            frames.append((step, b[:, 0], b[:, 1], a[:, 0].astype(int), a[:, 1].astype(int), a[:, 2:5]))
            i += 9 + n
        else:
            i += 1
    return frames


# The tally every test here uses (tests/mgmdtest.py).
Checks = mt.Checks
