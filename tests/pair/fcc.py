#!/usr/bin/python3
"""Pair structure of a perfect fcc Cu crystal (create_lattice, a = 3.615 A,
5x5x5 cells, 500 atoms), where everything is known exactly:

- the first minimum of g(r) lies in the empty gap between the first two
  shells (a/sqrt2 = 2.556 A and a = 3.615 A), and the coordination number
  there is 12, exactly, for the partial and the total;
- g(r) is non-zero only in the bins holding a shell radius a sqrt(n/2), and
  the running coordination number 4 pi rho int r^2 g dr steps through the
  fcc shell counts 12, 18, 42, 54, 78, 86, 134, ... (enumerated here from
  the lattice, independently);
- the (111) reflection: S(q) of the truncated transform peaks within
  0.15 1/A of 2 pi sqrt3 / a = 3.010 1/A (its width ~ pi/rmax = 0.35 1/A);
- no potential is needed: the observer runs on any configuration.
"""
import itertools
import os
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pairref as pr  # noqa: E402

mt = pr.mt
C = pr.Checks()
A = 3.615

with tempfile.TemporaryDirectory() as wd:
    out = mt.run_mgmd(f"""units metal
create_lattice fcc {A} cells 5 5 5 types Cu
rdf fcc file fcc.*
analyze fcc
""", wd).stdout
    _, cn = pr.read_csv(os.path.join(wd, "fcc.0.cn.csv"))
    _, gr = pr.read_csv(os.path.join(wd, "fcc.0.gr.csv"))
    _, sq = pr.read_csv(os.path.join(wd, "fcc.0.sq.csv"))

part = [k for k in range(len(cn["cn"])) if cn["cutoff"][k] == "partial"][0]
tot = [k for k in range(len(cn["cn"])) if cn["center"][k] == "all"][0]
rmin = cn["rmin[A]"][part]
C.check(A / np.sqrt(2) + 0.02 < rmin < A - 0.02 and cn["cn"][part] == 12.0,
        f"partial Cu-Cu: first minimum at {rmin:.3f} A, in the gap between shells {A / np.sqrt(2):.3f} and {A:.3f} A; "
        f"coordination {cn['cn'][part]:.12g} (exactly 12)")
C.check(cn["rmin[A]"][tot] == rmin and cn["cn"][tot] == 12.0,
        f"total: first minimum {cn['rmin[A]'][tot]:.3f} A, coordination {cn['cn'][tot]:.12g} (exactly 12)")
C.check("coordination 12;" in out, "the summary line reports coordination 12")

r, g = gr["r[A]"], gr["g_total"]
dr = r[1] - r[0]
nb = len(r)
rmax = nb * dr
# Shell radii and counts from the lattice: vectors of the fcc lattice.
basis = np.array([[0, 0, 0], [0.5, 0.5, 0], [0.5, 0, 0.5], [0, 0.5, 0.5]])
cells = np.array(list(itertools.product(range(-4, 5), repeat=3)), float)
vec = (cells[:, None, :] + basis[None, :, :]).reshape(-1, 3) * A
dist = np.linalg.norm(vec, axis=1)
dist = dist[(dist > 1e-9) & (dist < rmax)]
radii, counts = np.unique(np.round(dist, 9), return_counts=True)
bins_with_shell = set((radii / dr).astype(int))
nonzero = set(np.nonzero(g > 0)[0])
C.check(nonzero == bins_with_shell,
        f"g(r) > 0 exactly in the {len(bins_with_shell)} bins holding the shell radii a sqrt(n/2) below {rmax:.2f} A")
rho = 500 / (5 * A) ** 3
running = np.cumsum(g * pr.shell_volumes(nb, dr)) * (499 / 500) * rho
want = np.cumsum(counts)
got = running[(radii / dr).astype(int)]
C.check(np.allclose(got, want, rtol=1e-10, atol=0),
        f"running coordination 4 pi rho' int r^2 g through the shells: {', '.join('%.0f' % v for v in got[:8])}, ... "
        f"(lattice: {', '.join(str(v) for v in want[:8])}, ...)")

q, s = sq["q[1/A]"], sq["S_total"]
win = (q > 2.0) & (q < 4.0)
qpk = q[win][np.argmax(s[win])]
q111 = 2 * np.pi * np.sqrt(3) / A
C.check(abs(qpk - q111) < 0.15, f"S(q) peaks at {qpk:.3f} 1/A, the (111) reflection at 2 pi sqrt3/a = {q111:.3f} 1/A")
C.finish()
