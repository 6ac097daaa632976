#!/usr/bin/python3
"""The rdf observer against an independent NumPy computation (pairref.py)
on the Cu64Zr36 glass (orthogonal box) and the triclinic liquid:

- partial and total g(r): explicit periodic-image sums over all 500^2
  pairs, the same bins and normalisation N_a (N_b - d_ab)/V. The counts are
  integers in both codes, so g agrees to the CSV's 12 digits (tolerance
  1e-9 relative); only a pair within ~1e-13 A of a bin edge could differ.
- G(r) = 4 pi rho r (g - 1), same tolerance.
- S_ab(q), S(q): FFTW's sine transform against the same midpoint sum done
  as a plain NumPy sum at the file's q points; both evaluate one finite sum
  of <= 500 terms, so they agree to round-off (1e-8 relative to max(1,|S|)).
  With the Lorch window and with neutron weights (Sears' b) too.
- The midpoint rule itself against the exact integral of the histogram
  (g constant in each bin): the difference stays within the rule's error
  bound 4 pi rho/q sum_k |g_k - 1| dr^3/24 max|d2/dr2 (r sin qr)|.
- Limits: S(q) -> 1 at large q, g(r) -> 1 at large r (tolerances below).
- Coordination numbers: the file's counts at its own r_min against NumPy's
  counts; r_min and the total coordination where a Cu-Zr glass has them.
- `images yes` beyond half the box height: explicit image sums including
  every atom's own images (triclinic liquid, rmax 22 A, beyond the box edges).
"""
import os
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pairref as pr  # noqa: E402

mt = pr.mt
C = pr.Checks()
NAMES = ["Cu", "Zr"]


def close(a, b, rtol):
    a, b = np.asarray(a, float), np.asarray(b, float)
    return float(np.max(np.abs(a - b) / np.maximum(1.0, np.abs(b)))) if a.size else 0.0, a.shape == b.shape


def run_case(label, data, extra_decks, wd):
    d = mt.read_data(os.path.join(mt.DATA, data))
    H = pr.box_matrix(d)
    vol = abs(np.linalg.det(H))
    n_by_type = np.array([np.sum(d["type"] == t) for t in (1, 2)])
    rho = len(d["type"]) / vol
    c = n_by_type / n_by_type.sum()
    half = 0.5 * pr.face_distances(H).min()
    deck = f"""units metal
read_data {mt.DATA}/{data}
potential eam/fs CuZr_mm.eam.fs Cu Zr
rdf num file num
rdf neu file neu weights neutron
rdf lor file lor window lorch qmax 25 dq 0.05
{extra_decks}
analyze num
analyze neu
analyze lor
"""
    mt.run_mgmd(deck, wd)
    _, gr = pr.read_csv(os.path.join(wd, "num.gr.csv"))
    r = gr["r[A]"]
    nb = len(r)
    dr = r[1] - r[0]
    rmax = nb * dr
    want_rmax = np.floor(10 * (half - 0.1)) / 10 if half - 0.1 < 10 else 10.0
    C.check(abs(rmax - want_rmax) < 1e-9 and abs(dr - 0.02) < 1e-12,
            f"{label}: default rmax {rmax:.4f} A (half the box height {half:.4f} A, less 0.1, to 0.1 A), "
            f"{nb} bins of {dr:.4f} A")

    counts = pr.pair_counts(d["x"], d["type"], H, rmax, nb, 2)
    C.check(np.array_equal(counts[0, 1], counts[1, 0]), f"{label}: NumPy counts symmetric (Cu around Zr = Zr around Cu)")
    g = pr.partial_g(counts, n_by_type, vol, nb, dr)
    gtot = sum(c[a] * c[b] * g[a, b] for a in range(2) for b in range(2))
    err = max(close(gr["g_CuCu"], g[0, 0], 0)[0], close(gr["g_CuZr"], g[0, 1], 0)[0],
              close(gr["g_ZrZr"], g[1, 1], 0)[0])
    C.check(err < 1e-9, f"{label}: partial g_ab(r) = NumPy image sums ({nb} bins; max rel. diff {err:.1e}, tol 1e-9)")
    err = close(gr["g_total"], gtot, 0)[0]
    C.check(err < 1e-9, f"{label}: total g = sum c_a c_b g_ab ({err:.1e}, tol 1e-9)")

    _, pdf = pr.read_csv(os.path.join(wd, "num.pdf.csv"))
    G = 4 * np.pi * rho * r * (gtot - 1)
    err = close(pdf["G_total[1/A^2]"], G, 0)[0]
    C.check(err < 1e-9, f"{label}: G(r) = 4 pi rho r (g - 1) ({err:.1e}, tol 1e-9)")

    # S(q) by direct quadrature at the file's q.
    _, sq = pr.read_csv(os.path.join(wd, "num.sq.csv"))
    q = sq["q[1/A]"]
    C.check(abs(q[0] - 0.02) < 1e-3 and q[-1] <= 20.0 + 1e-9 and q[-1] > 19.9 and np.allclose(np.diff(q), q[0]),
            f"{label}: q grid {q[0]:.5f} .. {q[-1]:.4f} 1/A, uniform ({len(q)} points)")
    s_ab = {(a, b): pr.sine_quadrature(g[a, b], rho, rmax, q) for a in range(2) for b in range(2)}
    err = max(close(sq["S_CuCu"], s_ab[0, 0], 0)[0], close(sq["S_CuZr"], s_ab[0, 1], 0)[0],
              close(sq["S_ZrZr"], s_ab[1, 1], 0)[0])
    C.check(err < 1e-8, f"{label}: partial S_ab(q) by FFTW = direct NumPy quadrature ({err:.1e}, tol 1e-8)")
    stot = sum(c[a] * c[b] * s_ab[a, b] for a in range(2) for b in range(2))
    err = close(sq["S_total"], stot, 0)[0]
    C.check(err < 1e-8, f"{label}: S(q) = sum c_a c_b S_ab (Faber-Ziman, number weights) ({err:.1e}, tol 1e-8)")

    # The midpoint rule against the exact integral of the histogram.
    exact = pr.sine_exact_bins(gtot, rho, rmax, q)
    rk = (np.arange(nb) + 0.5) * dr
    bound = 4 * np.pi * rho / q * ((np.abs(gtot - 1) * (dr ** 3 / 24)) @ (2 * q[None, :] + q[None, :] ** 2 *
                                                                            (rk[:, None] + dr / 2)))
    diff = np.abs(stot - exact)
    C.check(np.all(diff <= bound + 1e-12),
            f"{label}: midpoint rule vs exact bin integral: max diff {diff.max():.1e} (at q {q[diff.argmax()]:.1f}), "
            f"within its error bound everywhere (bound at q=20: {bound[-1]:.1e})")

    # Large-q and large-r limits.
    hi = q >= 15
    dev = float(np.mean(sq["S_total"][hi]) - 1)
    C.check(abs(dev) < 0.02 and np.max(np.abs(sq["S_total"][hi] - 1)) < 0.1,
            f"{label}: S(q) -> 1 for q in [15, 20] 1/A: mean - 1 = {dev:+.4f} (tol 0.02), "
            f"max |S-1| {np.max(np.abs(sq['S_total'][hi] - 1)):.3f} (tol 0.1)")
    far = r >= rmax - 2
    dev = float(np.mean(gr["g_total"][far]) - 1)
    C.check(abs(dev) < 0.03, f"{label}: g(r) -> 1 over the last 2 A: mean - 1 = {dev:+.4f} (tol 0.03)")

    # Neutron weights: w_ab = c_a c_b b_a b_b / (sum c b)^2.
    b = np.array([pr.SEARS_B[e] for e in NAMES])
    w = np.outer(c * b, c * b) / (c @ b) ** 2
    _, sqn = pr.read_csv(os.path.join(wd, "neu.sq.csv"))
    _, grn = pr.read_csv(os.path.join(wd, "neu.gr.csv"))
    sneu = sum(w[a, bb] * s_ab[a, bb] for a in range(2) for bb in range(2))
    gneu = sum(w[a, bb] * g[a, bb] for a in range(2) for bb in range(2))
    err = max(close(sqn["S_neutron"], sneu, 0)[0], close(grn["g_neutron"], gneu, 0)[0])
    C.check(err < 1e-8 and np.array_equal(sqn["S_total"], sq["S_total"]),
            f"{label}: neutron-weighted S(q) and g(r) (Sears b Cu 7.718, Zr 7.16 fm) = NumPy ({err:.1e}, tol 1e-8); "
            f"S_total unchanged")

    # Lorch window.
    _, sql = pr.read_csv(os.path.join(wd, "lor.sq.csv"))
    ql = sql["q[1/A]"]
    slor = sum(c[a] * c[bb] * pr.sine_quadrature(g[a, bb], rho, rmax, ql, "lorch") for a in range(2) for bb in range(2))
    err = close(sql["S_total"], slor, 0)[0]
    C.check(err < 1e-8 and abs(ql[0] - 0.05) < 2e-3 and ql[-1] <= 25 + 1e-9 and ql[-1] > 24.9,
            f"{label}: Lorch-windowed S(q), qmax 25, dq 0.05 = NumPy ({err:.1e}, tol 1e-8)")
    ripple_plain = np.std(np.diff(sq["S_total"][q < 1.5]))
    ripple_lorch = np.std(np.diff(sql["S_total"][ql < 1.5])) * (q[0] / ql[0])
    C.check(ripple_lorch < ripple_plain, f"{label}: the window damps low-q truncation ripples "
            f"(rms slope below 1.5 1/A: {ripple_lorch:.2e} vs {ripple_plain:.2e} per 0.02 1/A)")

    # Coordination numbers.
    hdr, cn = pr.read_csv(os.path.join(wd, "num.cn.csv"))
    C.check(hdr == ["cutoff", "center", "neighbor", "rmin[A]", "cn"], f"{label}: cn.csv header {','.join(hdr)}")
    worst = 0.0
    for k in range(len(cn["cn"])):
        a, bb = cn["center"][k], cn["neighbor"][k]
        m = int(round(cn["rmin[A]"][k] / dr))
        if a == "all":
            want = sum(c[i] * counts[i, :, :m].sum() / n_by_type[i] for i in range(2))
        elif bb == "all":
            i = NAMES.index(a)
            want = counts[i, :, :m].sum() / n_by_type[i]
        else:
            i, j = NAMES.index(a), NAMES.index(bb)
            want = counts[i, j, :m].sum() / n_by_type[i]
        worst = max(worst, abs(cn["cn"][k] - want) / want)
    C.check(worst < 1e-10, f"{label}: every coordination number = NumPy count within its r_min ({worst:.1e}, tol 1e-10)")
    tot = [k for k in range(len(cn["cn"])) if cn["center"][k] == "all"][0]
    rmin, ntot = cn["rmin[A]"][tot], cn["cn"][tot]
    # 4 pi rho int r^2 g: the same number from the g column (the identity the docs state).
    m = int(round(rmin / dr))
    integral = sum(c[a] * (n_by_type[b] - (a == b)) / vol * np.sum(g[a, b, :m] * pr.shell_volumes(nb, dr)[:m])
                   for a in range(2) for b in range(2))
    C.check(abs(integral - ntot) < 1e-9 * ntot,
            f"{label}: cn = sum_ab c_a 4 pi rho_b' int_0^rmin r^2 g_ab dr ({integral:.6f} vs {ntot:.6f})")
    C.check(3.2 <= rmin <= 4.0 and 11.5 <= ntot <= 14.5,
            f"{label}: first minimum of g(r) at {rmin:.2f} A (expected 3.2-4.0 A for Cu-Zr), total coordination "
            f"{ntot:.2f} (expected 11.5-14.5)")
    return H, d, n_by_type, vol


with tempfile.TemporaryDirectory() as wd:
    run_case("glass", "cuzr-glass.data", "", os.path.join(wd, "glass"))
    H, d, n_by_type, vol = run_case("triclinic", "cuzr-triclinic.data",
                                    "rdf img file img rmax 22 bins 440 images yes\nanalyze img", os.path.join(wd, "tri"))
    _, gr = pr.read_csv(os.path.join(wd, "tri", "img.gr.csv"))
    counts = pr.pair_counts(d["x"], d["type"], H, 22.0, 440, 2)
    g = pr.partial_g(counts, n_by_type, vol, 440, 0.05)
    err = max(close(gr["g_CuCu"], g[0, 0], 0)[0], close(gr["g_CuZr"], g[0, 1], 0)[0],
              close(gr["g_ZrZr"], g[1, 1], 0)[0])
    self_images = int(np.sum(np.linalg.norm(H, axis=0) < 22.0))
    C.check(err < 1e-9, f"triclinic, images yes, rmax 22 A (> half height {0.5 * pr.face_distances(H).min():.2f} A): "
            f"g_ab = explicit image sums ({err:.1e}, tol 1e-9; {self_images} lattice vectors shorter than rmax, so "
            f"atoms meet their own images)")
C.finish()
