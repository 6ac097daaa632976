#!/usr/bin/python3
"""Slab (normal) profiles of a uniform slab of atoms (random sequential
addition as in cylinder.py: n = 0.05 /A^3, exactly N = round(n A t)
points, no two closer than 0.9 A, Cu:Zr 64:36): thickness t = 24 A about
z0 = 1.3 A in a 40 x 40 A periodic cross-section (boundary p p f), and t =
16 A normal to y (boundary p f p, no potential: no energies, `analyze`),
sampled by `run 0`.

  - counts of every bin of |z - origin| (the given origin, and the centre
    of mass for `origin auto`, equal to NumPy's to 1e-10 A) exactly, and
    density = count / (2 A dz) to 1e-12 (both sides folded together);
  - bins inside the slab hold n within 4 Poisson sd, bins outside none;
  - the tanh fit's thickness 2 h0 equals t within 3 of its SE and within a
    bin (0.5 A), and n_core equals n within 2 SE.
About 2 s."""
import os

import numpy as np

import pcommon as pc
from pcommon import check

mt = pc.mt
N_DENS, DMIN = 0.05, 0.9


def slab(normal, t, z0, side, half, seed):
    rng = np.random.default_rng(seed)
    n = int(round(N_DENS * side * side * t))

    def sample(k, g):
        p = side * g.random((k, 3))
        p[:, normal] = z0 + t * (g.random(k) - 0.5)
        return p

    def inside(p):
        return np.abs(p[:, normal] - z0) < 0.5 * t

    period = [side, side, side]
    period[normal] = None
    x = pc.random_points(n, inside, sample, DMIN, period, rng)
    types = np.where(rng.random(n) < 0.64, 1, 2)
    lo, hi = np.zeros(3), np.full(3, side)
    lo[normal], hi[normal] = -half, half
    return x, types, lo, hi


def check_profile(label, wd, name, x, types, normal, t, z0, area, dz, auto, pe=True):
    head, tab = pc.read_csv(os.path.join(wd, name + ".csv"))
    fh, fits = pc.read_csv(os.path.join(wd, name + "_fits.csv"))
    if auto:
        m = np.array([pc.MASS[k] for k in types])
        com = (m * x[:, normal]).sum() / m.sum()
        check(abs(fits["origin[A]"][0] - com) < 1e-10, "%s: origin %.12g = NumPy's centre of mass %.12g"
              % (label, fits["origin[A]"][0], com))
        origin = com
    else:
        origin = z0
    c = np.zeros(3)
    c[normal] = origin
    nb = len(tab["z[A]"])
    ref = pc.reference(x, c, normal, "normal", dz, nb, area, types)
    check(np.array_equal(tab["atoms[1]"], ref["count"]) and (ref["bin"] < nb).all(),
          "%s: counts of all %d bins = NumPy's (%d atoms)" % (label, nb, int(ref["count"].sum())))
    xcol = "x_Cu[1]" if "x_Cu[1]" in tab else "x_type1[1]"  # no potential: no element names
    check(pc.close(tab["density[1/A^3]"], ref["density"], 1e-12) and pc.close(tab[xcol], ref["x_Cu"], 1e-12) and
          np.array_equal(np.isnan(tab["pe[eV/atom]"]), (ref["count"] == 0) | (not pe)),
          "%s: density and %s = NumPy bin by bin (1e-12); pe %s" % (label, xcol, "in every bin with atoms" if pe
                                                                    else "nan (no potential)"))
    n = len(x) / (area * t)
    off = abs(origin - z0)
    inner = tab["z_hi[A]"] <= 0.5 * t - off + 1e-9
    outer = tab["z_lo[A]"] >= 0.5 * t + off - 1e-9
    dev = np.abs(tab["density[1/A^3]"][inner] - n) / np.sqrt(n / ref["vshell"][inner])
    check(dev.max() <= 4 and np.all(tab["density[1/A^3]"][outer] == 0),
          "%s: density n = %.6g inside (worst %.2f Poisson sd, %d bins), 0 in the %d bins outside"
          % (label, n, dev.max(), inner.sum(), outer.sum()))
    th, thse = fits["thickness[A]"][0], fits["thickness_se[A]"][0]
    check(abs(th - 2 * fits["h0[A]"][0]) < 1e-12 * th and abs(th - t) <= 3 * thse and abs(th - t) <= dz,
          "%s: thickness 2 h0 = %.4f +- %.3f A, t = %g A (within 3 SE and a bin)" % (label, th, thse, t))
    nc, ncse = fits["n_core[1/A^3]"][0], fits["n_core_se[1/A^3]"][0]
    check(abs(nc - n) <= 2 * ncse, "%s: n_core = %.6g +- %.2g, n = %.6g 1/A^3 (within 2 SE)" % (label, nc, ncse, n))


def main():
    wd = pc.workdir("slab")
    xz, tz, lo, hi = slab(2, 24.0, 1.3, 40.0, 30.0, 21)
    pc.write_data(os.path.join(wd, "slabz.data"), lo, hi, tz, xz)
    xy, ty, lo2, hi2 = slab(1, 16.0, -0.7, 30.0, 20.0, 22)
    pc.write_data(os.path.join(wd, "slaby.data"), lo2, hi2, ty, xy)
    deck = f"""units metal
boundary p p f
read_data slabz.data
potential eam/fs {pc.POT} Cu Zr
profile fixed normal z bin 0.5 file fixed every 1 origin 1.3
profile auto normal z bin 0.5 file auto every 1 origin auto
run 0
clear
boundary p f p
read_data slaby.data
profile py normal y bin 0.5 file py
analyze py
"""
    mt.run_mgmd(deck, wd)
    check_profile("z, origin given", wd, "fixed", xz, tz, 2, 24.0, 1.3, 1600.0, 0.5, False)
    check_profile("z, origin auto", wd, "auto", xz, tz, 2, 24.0, 1.3, 1600.0, 0.5, True)
    check_profile("y, no potential", wd, "py", xy, ty, 1, 16.0, -0.7, 900.0, 0.5, True, pe=False)
    pc.finish()


main()
