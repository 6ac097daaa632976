#!/usr/bin/python3
"""Minimisation on 3 MPI ranks against 1 rank.

Global dot products are sums over ranks, so their summation order (and
only that) depends on the rank count: the iterates agree to round-off,
amplified a little along the way, and both runs end in the same minimum.

- B2 CuZr (250 atoms) from a = 3.15 A with `box iso 0`, CG: a = 3.237 A
  (+-0.001), and the same a (1e-9 A) and energy (1e-10 eV/atom) on 1 and 3
  ranks. The box, 16 A, is thinner than two ghost shells: a sub-domain
  receives ghosts over several hops.
- The shaken glass (500 atoms) with FIRE, and with CG and `box tri 0`
  (atoms migrate between ranks while the box shears): force tolerance on 3
  ranks, energy within 1e-9 eV/atom of 1 rank's, final positions within
  1e-6 A.
"""
import os
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mincommon as mc  # noqa: E402

mt = mc.mt
C = mc.Checks()

B2 = """units metal
create_lattice b2 3.15 cells 5 5 5 types Cu Zr
potential eam/fs CuZr_mm.eam.fs Cu Zr
minimize cg etol 0 ftol 1e-6 maxiter 20000 maxeval 40000 box iso 0
write_data end.data
"""
SHAKE = f"""units metal
timestep 2 fs
read_data {mt.DATA}/cuzr-glass.data
potential eam/fs CuZr_mm.eam.fs Cu Zr
run 200
write_data pre.data
"""
GLASS = {
    "glass fire": "minimize fire etol 0 ftol 1e-6 maxiter 100000 maxeval 200000",
    "glass cg tri": "minimize cg etol 0 ftol 1e-6 maxiter 100000 maxeval 200000 box tri 0",
}


def unwrapped_diff(a, b):
    return float(np.max(np.abs(mt.unwrapped(a) - mt.unwrapped(b))))


with tempfile.TemporaryDirectory() as wd:
    res = {}
    for np_ in (None, 3):
        sub = os.path.join(wd, f"np{np_ or 1}")
        r = mc.parse_reports(mt.run_mgmd(B2, sub, np_=np_).stdout)[-1]
        res[("b2", np_)] = (r, mt.read_data(os.path.join(sub, "end.data")))
    mt.run_mgmd(SHAKE, wd)
    for name, cmd in GLASS.items():
        for np_ in (None, 3):
            sub = os.path.join(wd, f"{name.replace(' ', '-')}-np{np_ or 1}")
            os.makedirs(sub, exist_ok=True)
            deck = f"""units metal
read_data {os.path.join(wd, 'pre.data')}
potential eam/fs CuZr_mm.eam.fs Cu Zr
{cmd}
write_data end.data
"""
            r = mc.parse_reports(mt.run_mgmd(deck, sub, np_=np_).stdout)[-1]
            res[(name, np_)] = (r, mt.read_data(os.path.join(sub, "end.data")))

(r1, d1), (r3, d3) = res[("b2", None)], res[("b2", 3)]
a1, a3 = r1["len"][0] / 5, r3["len"][0] / 5
C.check(r3["stop"] == "force tolerance" and abs(a3 - 3.237) <= 0.001,
        f"B2 CuZr on 3 ranks: '{r3['stop']}', a = {a3:.6f} A (known 3.237, tol 0.001), "
        f"{r3['niter']} iterations")
C.check(abs(a1 - a3) < 1e-9 and abs(r1["e1_atom"] - r3["e1_atom"]) < 1e-10,
        f"B2 CuZr 3 ranks vs 1: a diff {abs(a1 - a3):.1e} A (tol 1e-9), E/N diff "
        f"{abs(r1['e1_atom'] - r3['e1_atom']):.1e} eV (tol 1e-10)")
for name in GLASS:
    (r1, d1), (r3, d3) = res[(name, None)], res[(name, 3)]
    de = abs(r1["e1_atom"] - r3["e1_atom"])
    dx = unwrapped_diff(d1, d3)
    C.check(r3["stop"] == "force tolerance" and r3["gnorm1"] < 1e-6,
            f"{name} on 3 ranks: '{r3['stop']}', |F| {r3['gnorm1']:.1e} eV/A, {r3['niter']} iterations "
            f"(1 rank: {r1['niter']})")
    C.check(de < 1e-9 and dx < 1e-6, f"{name} 3 ranks vs 1: E/N diff {de:.1e} eV (tol 1e-9), "
            f"positions max diff {dx:.1e} A (tol 1e-6)")
C.finish()
