#!/usr/bin/python3
"""The local modulus G(rho) = tau_zt / gamma under a torsion fix.

An fcc Cu wire along [001] (Mendelev's Cu-Zr potential, Cu only; radius
15 A, 10 cells long, boundary f f f, grips of the atoms within 7 A of the
ends), minimised, then twisted statically by 1 deg with the free atoms
following affinely (`torsion ... angle 1 deg affine yes`), unrelaxed.
Profiles about the fix's axis with the Voronoi volume (`p`) and with the
shell volume (`q`), sampled by `analyze` at 0 and at 1 deg.

  - plumbing, against NumPy from a dump of the same state (its Voronoi
    volumes made afresh by `analyze v`: the profile's `analyze` after the
    twist must not have used the cells of 0 deg): the profiled
    atoms are those of the gauge section [lo, hi] between the grips (lo
    the highest bottom-grip atom, hi the lowest top-grip atom), gauge =
    hi - lo; phi = 1 deg in rad; gamma = phi <rho> / L per bin; tau_zt
    (mean of e_z . S . e_theta / v_vol; sum / V_shell) and G = tau_zt /
    gamma per bin to 1e-9 of the column's scale; the bin on the axis (its
    atoms at rho = 0) has G = NaN;
  - at 0 deg G is NaN everywhere (no strain);
  - physics: an fcc crystal twisted about <100> has tau_zt = C44 gamma_zt
    at every rho (C44 = C55, no internal relaxation under a homogeneous
    shear), so with the Voronoi volume G(rho) is flat inside the wire:
    the bins from 1 A to R - 3 A scatter by less than 1 % about their
    mean, which lies within 10 % of the bulk C44 of the potential
    (`elastic`, 85.2 GPa; measured +6 %: the wire's interior is
    compressed by its surface stress, its Voronoi volume per atom is below
    the bulk's, checked); the tanh fit's G_core equals that
    mean within 1 %, and G falls at the surface (the outermost shell's G
    is below half of it: surface atoms' Voronoi cells reach into the
    vacuum, their stress is too small, docs/analysis.md);
  - the rho^2-weighted G of the fits (the modulus of a uniform wire of
    the same torsional rigidity) equals NumPy's sum(n gamma^2 G) /
    sum(n gamma^2) over the shells of the table (1e-9);
  - `reference untwisted`: G = (tau_zt(1 deg) - tau_zt(0 deg)) / gamma
    per shell, from the plain profile's two windows (1e-9);
  - with the shell volume, the shells' G follows the lattice's shell
    densities: G_shell / G_Voronoi = n_shell <v> (atoms per shell volume
    times their mean Voronoi volume) within 1 % in the shells inside.
About 3 s."""
import math
import os
import sys

import numpy as np

import pcommon as pc
from pcommon import check

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "torsion"))
import twcommon as tc  # noqa: E402  (the torsion tests' [001] Cu wire, grips within GRIP of the ends)

mt = pc.mt
A0, R, GRIP = 3.615, 15.0, 7.0


def main():
    wd = pc.workdir("torsion")
    w, h = 12 * A0, 10 * A0
    c = w / 2
    deck = tc.wire(12, 10, R, GRIP) + f"""minimize cg etol 0 ftol 1e-6 maxiter 2000
torsion tw top gtop bottom gbot angle 0 deg
voronoi v file none
profile p radial z bin 1 file p torsion tw voronoi v volume voronoi
profile q radial z bin 1 file q torsion tw
profile u radial z bin 1 file u torsion tw voronoi v volume voronoi reference untwisted
analyze p
analyze q
analyze u
torsion tw top gtop bottom gbot angle 1 deg affine yes
dump d every 1 file d.dump precision 17 columns id type x y z sxx syy szz sxy sxz syz v_vol
analyze p
analyze q
analyze u
analyze v
run 0
clear
create_lattice fcc {A0} A cells 4 4 4 types Cu
potential eam/fs {pc.POT} Cu
minimize cg etol 0 ftol 1e-10 maxiter 20000 box iso 0 bar
write_data bulk.data
elastic strain 1e-4 relax yes file el
"""
    mt.run_mgmd(deck, wd)
    C = np.loadtxt(os.path.join(wd, "el_cij.csv"), delimiter=",", skiprows=1)
    c44 = C[3, 3]
    bulk = mt.read_data(os.path.join(wd, "bulk.data"))
    omega = np.prod(bulk["hi"] - bulk["lo"]) / len(bulk["id"])
    d = pc.read_dump(os.path.join(wd, "d.dump"))
    x = np.stack([d["x"], d["y"], d["z"]], axis=1)
    top, bot = x[:, 2] >= h - GRIP, x[:, 2] <= GRIP
    lo, hi = x[bot, 2].max(), x[top, 2].min()
    sel = (x[:, 2] >= lo) & (x[:, 2] <= hi)
    phi = math.radians(1.0)

    for name in ("p", "q"):
        head, t = pc.read_csv(os.path.join(wd, name + ".csv"))
        fh, f = pc.read_csv(os.path.join(wd, name + "_fits.csv"))
        first = t["window"] == 1
        check(np.all(np.isnan(t["G[GPa]"][first])) and f["phi[rad]"][0] == 0,
              "%s: at 0 deg (window 1) G is NaN in every bin" % name)
        t = {k: v[t["window"] == 2] for k, v in t.items()}
        check(abs(f["phi[rad]"][1] - phi) < 1e-15 and abs(f["gauge[A]"][1] - (hi - lo)) < 1e-9 and
              abs(f["center_1[A]"][1] - c) < 1e-9 and abs(f["center_2[A]"][1] - c) < 1e-9,
              "%s: phi %.15g rad (1 deg), gauge %.12g A (%.12g), axis through the fix's centre (%.6g, %.6g)"
              % (name, f["phi[rad]"][1], f["gauge[A]"][1], hi - lo, f["center_1[A]"][1], f["center_2[A]"][1]))
        nb = len(t["r[A]"])
        ref = pc.reference(x[sel], np.array([c, c, 0.0]), 2, "radial", 1.0, nb, hi - lo,
                           d["type"][sel].astype(int))
        dv, r, k = ref["dv"], ref["r"], ref["bin"]
        r = np.where(r < 1e-9, 0.0, r)  # on the axis to round-off (the profile's rule)
        szt = np.zeros(len(r))
        for j, i in enumerate(np.where(sel)[0]):
            if r[j] > 1e-9:
                et = np.cross([0.0, 0.0, 1.0], dv[j] / r[j])
                szt[j] = et @ pc.voigt_matrix(d, i)[2]
        with np.errstate(invalid="ignore", divide="ignore"):
            rho_mean = np.bincount(k, weights=r, minlength=nb) / ref["count"]
            gamma = phi * rho_mean / (hi - lo)
            if name == "p":
                tau = np.bincount(k, weights=szt / d["v_vol"][sel], minlength=nb) / ref["count"] * 1e-4
            else:
                tau = np.bincount(k, weights=szt, minlength=nb) / ref["vshell"] * 1e-4
            G = tau / gamma
        check(np.array_equal(t["atoms[1]"], ref["count"]) and pc.close(t["gamma[1]"], gamma, 1e-12) and
              pc.close(t["tau_zt[GPa]"], tau, 1e-9) and pc.close(t["G[GPa]"], G, 1e-9) and np.isnan(t["G[GPa]"][0]),
              "%s: %d atoms of the gauge section in %d shells, gamma, tau_zt and G = NumPy (1e-9); on the axis G "
              "is NaN" % (name, int(ref["count"].sum()), nb))
        if name == "p":
            inner = (t["r_lo[A]"] >= 1) & (t["r_hi[A]"] <= R - 3)
            g_in = t["G[GPa]"][inner]
            gm = g_in.mean()
            v_in = (t["vol[A^3]"][inner] * t["atoms[1]"][inner]).sum() / t["atoms[1]"][inner].sum()
            check(g_in.std() / gm < 0.01 and abs(gm / c44 - 1) < 0.10 and v_in < omega,
                  "Voronoi volume: G(rho) flat inside (%d shells: %.4g GPa, sd %.2g %%), bulk C44 %.4g GPa (%+.1f %%; "
                  "the interior is compressed: volume per atom %.4f A^3, bulk %.4f)"
                  % (inner.sum(), gm, 100 * g_in.std() / gm, c44, 100 * (gm / c44 - 1), v_in, omega))
            outer = t["G[GPa]"][np.where(t["atoms[1]"] > 0)[0][-1]]
            check(abs(f["G_core[GPa]"][1] / gm - 1) < 0.01 and outer < 0.5 * gm,
                  "Voronoi volume: tanh fit G_core = %.4g +- %.2g GPa; outermost shell G = %.3g GPa (the surface "
                  "atoms' cells reach into the vacuum); G depth %.3g A (tanh), %.3g A (data)"
                  % (f["G_core[GPa]"][1], f["G_core_se[GPa]"][1], outer, f["G_depth_tanh[A]"][1],
                     f["G_depth_data[A]"][1]))
            ok = np.isfinite(t["G[GPa]"]) & (t["atoms[1]"] > 0)
            w = t["atoms[1]"][ok] * t["gamma[1]"][ok] ** 2
            g2 = np.sum(w * t["G[GPa]"][ok]) / np.sum(w)
            check(abs(f["G_rho2[GPa]"][1] / g2 - 1) < 1e-9,
                  "Voronoi volume: rho^2-weighted G %.6g GPa = NumPy's sum(n gamma^2 G) / sum(n gamma^2) over the "
                  "shells (1e-9)" % f["G_rho2[GPa]"][1])
            g_vor = gm
            vor = t
        else:
            # G_shell / G_Voronoi = (atoms x their mean Voronoi volume) /
            # V_shell = density x <v>, exactly when the atoms of a shell
            # have equal Voronoi volumes and stresses (the crystal inside).
            inner = (t["r_lo[A]"] >= 1) & (t["r_hi[A]"] <= R - 3)
            ratio = t["G[GPa]"][inner] / vor["G[GPa]"][inner]
            expect = vor["density[1/A^3]"][inner] * vor["vol[A^3]"][inner]
            err = np.max(np.abs(ratio / expect - 1))
            check(err < 0.01, "shell volume: G follows the lattice's shell densities (G_shell/G_Voronoi from %.2f to "
                  "%.2f), = density x mean Voronoi volume within %.2g %% (< 1 %%) in %d shells inside"
                  % (ratio.min(), ratio.max(), 100 * err, inner.sum()))
    # reference untwisted: G = (tau(1 deg) - tau(0 deg)) / gamma, from p's
    # two windows (the same atoms, volumes and shells).
    _, tp = pc.read_csv(os.path.join(wd, "p.csv"))
    _, tu = pc.read_csv(os.path.join(wd, "u.csv"))
    w1, w2 = tp["window"] == 1, tp["window"] == 2
    with np.errstate(invalid="ignore", divide="ignore"):
        want = (tp["tau_zt[GPa]"][w2] - tp["tau_zt[GPa]"][w1]) / tp["gamma[1]"][w2]
    got = tu["G[GPa]"][tu["window"] == 2]
    check(pc.close(got, want, 1e-9) and np.all(np.isnan(tu["G[GPa]"][tu["window"] == 1])),
          "reference untwisted: G = (tau_zt(1 deg) - tau_zt(0 deg)) / gamma in every shell (1e-9); at 0 deg nan")
    pc.finish()


main()
