"""Lattice sums for a pure element: fcc, bcc and hcp with the ideal c/a,
each described in units of its nearest-neighbour distance d (fcc a = sqrt(2) d,
bcc a = 2 d / sqrt(3), hcp a = d, c = sqrt(8/3) d). Every site of these
lattices is equivalent, so one site's neighbour shells give the energy per
atom E(d) = F(sum_k n_k f(s_k d)) + 1/2 sum_k n_k phi(s_k d)."""

import math

from . import model

# lattice constant a over nearest-neighbour distance d
A_OVER_D = {"fcc": math.sqrt(2.0), "bcc": 2.0 / math.sqrt(3.0), "hcp": 1.0}


def _cell(structure):
    """Cell vectors and basis (Cartesian) for d = 1."""
    if structure == "fcc":
        a = math.sqrt(2.0)
        cell = [(a, 0, 0), (0, a, 0), (0, 0, a)]
        frac = [(0, 0, 0), (0, .5, .5), (.5, 0, .5), (.5, .5, 0)]
    elif structure == "bcc":
        a = 2.0 / math.sqrt(3.0)
        cell = [(a, 0, 0), (0, a, 0), (0, 0, a)]
        frac = [(0, 0, 0), (.5, .5, .5)]
    elif structure == "hcp":
        c = math.sqrt(8.0 / 3.0)
        cell = [(1.0, 0, 0), (-0.5, math.sqrt(3.0) / 2.0, 0), (0, 0, c)]
        frac = [(0, 0, 0), (1.0 / 3.0, 2.0 / 3.0, 0.5)]
    else:
        raise ValueError("unknown structure %r" % structure)
    basis = [tuple(sum(f[k] * cell[k][x] for k in range(3)) for x in range(3)) for f in frac]
    return cell, basis


_SHELLS = {}


def shells(structure, smax=4.0):
    """[(s_k, n_k)]: neighbour distances in units of d up to smax, and counts."""
    key = (structure, smax)
    if key in _SHELLS:
        return _SHELLS[key]
    cell, basis = _cell(structure)
    shortest = min(math.sqrt(sum(v * v for v in c)) for c in cell)
    nmax = int(math.ceil(smax / shortest * 2.0)) + 1  # generous for the hcp cell's skew
    counts = {}
    for i in range(-nmax, nmax + 1):
        for j in range(-nmax, nmax + 1):
            for k in range(-nmax, nmax + 1):
                for b in basis:
                    x = [i * cell[0][q] + j * cell[1][q] + k * cell[2][q] + b[q] for q in range(3)]
                    s2 = x[0] * x[0] + x[1] * x[1] + x[2] * x[2]
                    if 1e-12 < s2 <= smax * smax:
                        key2 = round(s2, 9)
                        counts[key2] = counts.get(key2, 0) + 1
    out = [(math.sqrt(s2), n) for s2, n in sorted(counts.items())]
    if abs(out[0][0] - 1.0) > 1e-9 or out[0][1] != 12 - 4 * (structure == "bcc"):
        raise AssertionError("%s shells wrong: %r" % (structure, out[:2]))
    _SHELLS[key] = out
    return out


def analytic_energy(el, structure, d):
    """E per atom (eV) at nearest-neighbour distance d from the analytic
    functions, summed over every shell to 4 d (beyond which |f|, |phi| of
    every tabulated element are < 1e-12): no cutoff."""
    rho = 0.0
    pair = 0.0
    for s, n in shells(structure):
        r = s * d
        rho += n * model.density(el, r)
        pair += n * model.pair(el, r)
    return model.embedding(el, rho) + 0.5 * pair, rho


class TableElement:
    """One element's functions as LAMMPS sees them in a setfl file."""

    def __init__(self, F, f, z, cut, rhomax):
        self.F, self.f, self.z, self.cut, self.rhomax = F, f, z, cut, rhomax


def table_energy(te, structure, d):
    """E per atom (eV) at nearest-neighbour distance d from interpolated
    tables, neighbours counted when r < cut, as in LAMMPS and mgmd."""
    rho = 0.0
    pair = 0.0
    cutsq = te.cut * te.cut
    for s, n in shells(structure):
        r = s * d
        if not r * r < cutsq:
            break
        rho += n * te.f(r)
        pair += n * te.z(r) / r
    e = te.F(rho)
    if rho > te.rhomax:
        e += te.F.slope(te.rhomax) * (rho - te.rhomax)
    return e + 0.5 * pair, rho


def minimize(energy, d0, width=0.05, tol=1e-9):
    """Golden-section search for the minimum of energy(d) on
    [d0 (1 - width), d0 (1 + width)]; returns (d_min, E_min). Refuses a
    minimum on the bracket's edge."""
    lo, hi = d0 * (1.0 - width), d0 * (1.0 + width)
    g = (math.sqrt(5.0) - 1.0) / 2.0
    x1, x2 = hi - g * (hi - lo), lo + g * (hi - lo)
    e1, e2 = energy(x1), energy(x2)
    while hi - lo > tol:
        if e1 <= e2:
            hi, x2, e2 = x2, x1, e1
            x1 = hi - g * (hi - lo)
            e1 = energy(x1)
        else:
            lo, x1, e1 = x1, x2, e2
            x2 = lo + g * (hi - lo)
            e2 = energy(x2)
    d = 0.5 * (lo + hi)
    if abs(d - d0) > 0.99 * width * d0:
        raise ValueError("no minimum within %.0f%% of d = %g" % (100 * width, d0))
    return d, energy(d)


def reference_structure(el, tol=1e-5):
    """The lattice the element's parameters are normalised to: the paper sets
    rho_e to the host density of the ground-state crystal at nearest-neighbour
    distance re. Returns (structure, relative mismatch) for the best match
    among fcc, hcp, bcc; raises if none matches within tol."""
    best = None
    for st in ("fcc", "hcp", "bcc"):
        _, rho = analytic_energy(el, st, el.re)
        mis = abs(rho / el.rho_e - 1.0)
        if best is None or mis < best[1]:
            best = (st, mis)
    if best[1] > tol:
        raise ValueError("%s: no fcc/hcp/bcc lattice with d = re gives rho_e (best %s, %.1e)"
                         % (el.name, best[0], best[1]))
    return best
