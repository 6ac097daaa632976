#!/usr/bin/python3
"""Radial profiles of a uniform cylinder of atoms (random sequential
addition: n = 0.05 /A^3 exactly N = round(n pi R^2 L) points, no two closer
than 0.9 A, Cu:Zr 64:36 at random) along z (R = 22 A, L = 36 A, boundary f
f p) and along x (R = 12 A, L = 30 A, boundary p f f), sampled by `run 0`
with the Voronoi observer, per-atom energies and stresses also dumped.

Against NumPy, bin by bin (the same sample):
  - counts exactly (distances from the given centre, and from the centre of
    mass for `center auto`, which must equal NumPy's to 1e-10 A); density =
    count / (pi (b^2 - a^2) L) and the Cu fraction to 1e-12;
  - mean pe (dump column pe), Voronoi volume and <0,0,12,0> fraction
    (v_vol, v_n5, v_cn) to 1e-10 of the column's scale;
  - tau_zt = e_z . S . e_theta summed over the shell / V_shell (volume
    shell) and the mean of e_z . S . e_theta / v_vol (volume voronoi),
    S the dump's sxx ... syz (bar A^3), e_theta = e_axis x e_rho: 1e-9.
Against the known shape:
  - bins inside R (b <= R) hold the density n within 4 Poisson sd
    sqrt(n / V_shell); bins outside (a >= R) are empty;
  - the tanh fit recovers R: |R0 - R| <= 3 SE(R0) and <= 0.25 A (a quarter
    bin: the points' step is sharp, so R0 is where the count of the
    straddling shell puts it, and its Poisson scatter is the SE), and n:
    |n_core - n| <= 2 SE(n_core); w is below a bin (the step is sharp).
About 3 s."""
import os

import numpy as np

import pcommon as pc
from pcommon import check

mt = pc.mt
N_DENS, DMIN = 0.05, 0.9


def cylinder(wd, axis, R, L, center, half, seed):
    """Random cylinder along `axis` (0 or 2 here) through `center` (its
    axis component ignored), box half-width `half` across. Returns (x,
    types, lo, hi)."""
    rng = np.random.default_rng(seed)
    n = int(round(N_DENS * np.pi * R * R * L))
    a1, a2 = (axis + 1) % 3, (axis + 2) % 3

    def sample(k, g):
        p = np.empty((k, 3))
        p[:, axis] = L * g.random(k)
        p[:, a1] = center[a1] + R * (2 * g.random(k) - 1)
        p[:, a2] = center[a2] + R * (2 * g.random(k) - 1)
        return p

    def inside(p):
        return (p[:, a1] - center[a1]) ** 2 + (p[:, a2] - center[a2]) ** 2 < R * R

    period = [None, None, None]
    period[axis] = L
    x = pc.random_points(n, inside, sample, DMIN, period, rng)
    types = np.where(rng.random(n) < 0.64, 1, 2)
    lo, hi = np.zeros(3), np.zeros(3)
    hi[axis] = L
    for d in (a1, a2):
        lo[d], hi[d] = -half, half
    return x, types, lo, hi


def stress_zt(d, dv, axis, vol=None):
    """e_axis . S . e_theta per atom (bar A^3, or bar with vol)."""
    e = np.zeros(3)
    e[axis] = 1.0
    out = np.zeros(len(dv))
    for k in range(len(dv)):
        rho = np.linalg.norm(dv[k])
        if rho == 0:
            continue
        et = np.cross(e, dv[k] / rho)
        out[k] = e @ pc.voigt_matrix(d, k) @ et
    return out if vol is None else out / vol


def compare(label, tab, ref, cols):
    """Bin-by-bin comparison of table columns with the reference."""
    for col, key, rel in cols:
        ok = pc.close(tab[col], ref[key], rel)
        check(ok, "%s: %s = NumPy bin by bin (%g of the column's scale)" % (label, col, rel))


def main():
    wd = pc.workdir("cylinder")
    c0 = np.array([1.7, -2.3, 0.0])
    R, L = 22.0, 36.0
    x, types, lo, hi = cylinder(wd, 2, R, L, c0, 30.0, 11)
    pc.write_data(os.path.join(wd, "cylz.data"), lo, hi, types, x)
    R2, L2 = 12.0, 30.0
    c2 = np.array([0.0, 0.4, -0.9])
    x2, types2, lo2, hi2 = cylinder(wd, 0, R2, L2, c2, 20.0, 12)
    pc.write_data(os.path.join(wd, "cylx.data"), lo2, hi2, types2, x2)

    cols = "id type x y z pe sxx syy szz sxy sxz syz v_vol v_n5 v_cn"
    deck = f"""units metal
boundary f f p
read_data cylz.data
potential eam/fs {pc.POT} Cu Zr
voronoi v every 1 file none
profile fixed radial z bin 1 file fixed every 1 center 1.7 -2.3 voronoi v stress yes
profile auto radial axis z bin 1 A file auto.csv every 1 voronoi v stress yes volume voronoi
dump d every 1 file d.dump precision 17 columns {cols}
run 0
clear
boundary p f f
read_data cylx.data
potential eam/fs {pc.POT} Cu Zr
profile px radial x bin 0.5 file px every 1 stress yes
dump d every 1 file dx.dump precision 17 columns id type x y z sxx syy szz sxy sxz syz
run 0
"""
    p = mt.run_mgmd(deck, wd)
    d = pc.read_dump(os.path.join(wd, "d.dump"))
    xd = np.stack([d["x"], d["y"], d["z"]], axis=1)
    td = d["type"].astype(int)
    ico = ((d["v_n5"] == 12) & (d["v_cn"] == 12)).astype(float)
    n = len(x) / (np.pi * R * R * L)

    for name, center_auto in (("fixed", False), ("auto", True)):
        head, tab = pc.read_csv(os.path.join(wd, name + ".csv"))
        fh, fits = pc.read_csv(os.path.join(wd, name + "_fits.csv"))
        if center_auto:
            m = np.array([pc.MASS[t] for t in td])
            com = (m[:, None] * xd).sum(0) / m.sum()
            got = np.array([fits["center_1[A]"][0], fits["center_2[A]"][0]])
            check(np.max(np.abs(got - com[:2])) < 1e-10, "auto: centre (%.12g, %.12g) = NumPy's centre of mass "
                  "(%.12g, %.12g)" % (got[0], got[1], com[0], com[1]))
            center = np.array([com[0], com[1], 0.0])
        else:
            center = c0
        nb = len(tab["r[A]"])
        ref = pc.reference(xd, center, 2, "radial", 1.0, nb, L, td,
                           {"pe": d["pe"], "vol": d["v_vol"], "ico": ico})
        szt = stress_zt(d, ref["dv"], 2)
        inb = ref["bin"] < nb
        if center_auto:
            with np.errstate(invalid="ignore"):
                ref["tau"] = np.bincount(ref["bin"][inb], weights=(szt / d["v_vol"])[inb], minlength=nb) \
                    / ref["count"] * pc.BAR_A3_TO_GPA_A3
        else:
            ref["tau"] = np.bincount(ref["bin"][inb], weights=szt[inb], minlength=nb) / ref["vshell"] \
                * pc.BAR_A3_TO_GPA_A3
        label = "z, %s centre" % ("auto" if center_auto else "given")
        check(np.array_equal(tab["atoms[1]"], ref["count"]) and inb.all(),
              "%s: atom counts of all %d bins = NumPy's (%d atoms, none beyond the extent %g A)"
              % (label, nb, int(ref["count"].sum()), tab["r_hi[A]"][-1]))
        compare(label, tab, ref, [("density[1/A^3]", "density", 1e-12), ("x_Cu[1]", "x_Cu", 1e-12),
                                  ("pe[eV/atom]", "pe", 1e-10), ("vol[A^3]", "vol", 1e-10), ("ico[1]", "ico", 1e-10),
                                  ("tau_zt[GPa]", "tau", 1e-9)])
        # Every atom lies within R of c0, so within R + |centre - c0| here.
        off = np.linalg.norm(center[:2] - c0[:2])
        inner = tab["r_hi[A]"] <= R - off + 1e-9
        outer = tab["r_lo[A]"] >= R + off - 1e-9
        dev = np.abs(tab["density[1/A^3]"][inner] - n) / np.sqrt(n / ref["vshell"][inner])
        check(dev.max() <= 4.0 and np.all(tab["density[1/A^3]"][outer] == 0),
              "%s: density n = %.6g inside (worst %.2f Poisson sd over %d shells), 0 in the %d shells outside R"
              % (label, n, dev.max(), inner.sum(), outer.sum()))
        R0, R0se = fits["R0[A]"][0], fits["R0_se[A]"][0]
        nc, ncse = fits["n_core[1/A^3]"][0], fits["n_core_se[1/A^3]"][0]
        check(abs(R0 - R) <= 3 * R0se and abs(R0 - R) <= 0.25,
              "%s: tanh fit R0 = %.4f +- %.3f A, R = %g A (|diff| <= 3 SE and <= 0.25 A)" % (label, R0, R0se, R))
        check(abs(nc - n) <= 2 * ncse, "%s: n_core = %.6g +- %.2g, n = %.6g 1/A^3 (within 2 SE)"
              % (label, nc, ncse, n))
        check(fits["w[A]"][0] < 1.0, "%s: w = %.3g A below a bin (the step is sharp; sharp flag %d)"
              % (label, fits["w[A]"][0], fits["n_sharp"][0]))

    # Along x (p f f): orientation of the in-plane axes and of e_theta.
    d = pc.read_dump(os.path.join(wd, "dx.dump"))
    xd = np.stack([d["x"], d["y"], d["z"]], axis=1)
    td = d["type"].astype(int)
    head, tab = pc.read_csv(os.path.join(wd, "px.csv"))
    fh, fits = pc.read_csv(os.path.join(wd, "px_fits.csv"))
    m = np.array([pc.MASS[t] for t in td])
    com = (m[:, None] * xd).sum(0) / m.sum()
    nb = len(tab["r[A]"])
    ref = pc.reference(xd, com, 0, "radial", 0.5, nb, L2, td)
    szt = stress_zt(d, ref["dv"], 0)
    ref["tau"] = np.bincount(ref["bin"], weights=szt, minlength=nb) / ref["vshell"] * pc.BAR_A3_TO_GPA_A3
    check(np.array_equal(tab["atoms[1]"], ref["count"]), "x: atom counts of all %d bins = NumPy's" % nb)
    compare("x", tab, ref, [("density[1/A^3]", "density", 1e-12), ("tau_zt[GPa]", "tau", 1e-9)])
    n2 = len(x2) / (np.pi * R2 * R2 * L2)
    R0, R0se = fits["R0[A]"][0], fits["R0_se[A]"][0]
    check(abs(R0 - R2) <= 3 * R0se and abs(R0 - R2) <= 0.25 and
          abs(fits["n_core[1/A^3]"][0] - n2) <= 2 * fits["n_core_se[1/A^3]"][0],
          "x: R0 = %.4f +- %.3f A (R = %g), n_core = %.5g +- %.2g (n = %.5g)"
          % (R0, R0se, R2, fits["n_core[1/A^3]"][0], fits["n_core_se[1/A^3]"][0], n2))
    pc.finish()


main()
