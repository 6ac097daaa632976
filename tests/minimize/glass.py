#!/usr/bin/python3
"""Minimising a Cu64Zr36 glass (tests/data/cuzr-glass.data, 500 atoms,
Mendelev's CuZr_mm.eam.fs), fixed box and relaxed box.

The fixture holds minimised positions (forces ~1e-9 eV/A), so it is first
shaken: 200 NVE steps of 2 fs from its 300 K velocities (forces ~1 eV/A),
written to pre.data, and every minimisation starts from there.

- CG and FIRE both stop on ftol 1e-6 eV/A and reach the same energy per atom
  within 1e-6 eV/atom (the same inherent structure: their final positions
  agree to 1e-3 A); LAMMPS' CG (ftol 1e-8) from pre.data within 1e-5 eV/atom.
  Near a minimum E - E_min ~ |F|^2 / (2k) with k ~ 1 eV/A^2 per atom, so at
  |F| = 1e-6 the energy is converged to ~1e-12 eV: a difference above 1e-6
  means a different minimum or a wrong energy.
- The state afterwards is current: a following `run 20` starts at the
  minimised energy (1e-9 eV/atom) and stays cold (T < 1e-3 K; forces 1e-6).
- The fixture itself is already a minimum: 0 iterations, force tolerance.
- The other stopping criteria: etol 1e-6 -> energy tolerance, maxiter 5 ->
  max iterations after 5 iterations, maxeval 10 -> max force evaluations.
- `box tri 0` (CG): all six pressure components under 1 bar, and LAMMPS
  agrees the result is a minimum: its `fix box/relax tri 0.0` minimisation
  started there moves the energy by < 1e-8 eV/atom and the box by < 1e-4 A.
  (LAMMPS started from pre.data reaches the same state, E/N within 3e-11 eV,
  box within 1e-9 A, but needs 15,000 iterations and 100 s against mgmd's
  260, because it does not scale its box coordinates; too slow for here.)
  `box aniso 0` with FIRE: the three normal pressures under 1 bar.
"""
import os
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mincommon as mc  # noqa: E402

mt = mc.mt
C = mc.Checks()
HAVE_LMP = mc.lammps_binary() is not None
HEAD = f"""units metal
timestep 2 fs
read_data {mt.DATA}/cuzr-glass.data
potential eam/fs CuZr_mm.eam.fs Cu Zr
"""


def minimum_image_diff(a, b):
    """Largest distance between the same atoms of two data files (A)."""
    L = a["hi"] - a["lo"]
    d = a["x"] - b["x"]
    d -= L * np.round(d / L)
    return float(np.max(np.linalg.norm(d, axis=1)))


with tempfile.TemporaryDirectory() as wd:
    # Shake, then minimise with CG; a short run afterwards.
    deck = HEAD + """thermo every 1000
run 200
write_data pre.data
minimize cg etol 0 ftol 1e-6 maxiter 100000 maxeval 200000
write_data post-cg.data
thermo every 10 file after.csv
run 20
"""
    cg = mc.parse_reports(mt.run_mgmd(deck, wd).stdout)[-1]
    pre = os.path.join(wd, "pre.data")
    after = mt.read_thermo(os.path.join(wd, "after.csv"))

    def from_pre(body):
        return mc.parse_reports(mt.run_mgmd(f"""units metal
read_data pre.data
potential eam/fs CuZr_mm.eam.fs Cu Zr
{body}""", wd).stdout)

    fire = from_pre("minimize fire etol 0 ftol 1e-6 maxiter 100000 maxeval 200000\nwrite_data post-fire.data\n")[-1]
    dx = minimum_image_diff(mt.read_data(os.path.join(wd, "post-cg.data")),
                            mt.read_data(os.path.join(wd, "post-fire.data")))
    limits = from_pre("minimize cg etol 1e-6 ftol 0\n"
                      "minimize cg etol 0 ftol 1e-12 maxiter 5\n"
                      "minimize fire etol 0 ftol 1e-12 maxeval 10\n")
    tri = from_pre("minimize cg etol 0 ftol 1e-6 maxiter 100000 maxeval 200000 box tri 0\n"
                   "write_data post-tri.data\n")[-1]
    tri_data = mt.read_data(os.path.join(wd, "post-tri.data"))
    aniso = from_pre("minimize fire etol 0 ftol 1e-6 maxiter 100000 maxeval 200000 box aniso 0\n")[-1]
    fixture = mc.parse_reports(mt.run_mgmd(HEAD + "minimize cg etol 0 ftol 1e-6\n", wd).stdout)[-1]
    lmp = mc.lammps_minimize("pre.data", ["Cu", "Zr"], wd, ftol=1e-8) if HAVE_LMP else None
    lmp_tri = mc.lammps_minimize("post-tri.data", ["Cu", "Zr"], wd, relax="tri", ftol=1e-8) if HAVE_LMP else None

for name, r in (("cg", cg), ("fire", fire)):
    C.check(r["stop"] == "force tolerance" and r["fnorm1"] < 1e-6,
            f"{name:4s} stops on the force tolerance: '{r['stop']}', |F| {r['fnorm1']:.2e} eV/A "
            f"(from {r['fnorm0']:.3g}), {r['niter']} iterations, {r['neval']} evaluations")
de = abs(cg["e1_atom"] - fire["e1_atom"])
C.check(de < 1e-6, f"cg vs fire: E/N {cg['e1_atom']:.10f} vs {fire['e1_atom']:.10f} eV, diff {de:.1e} (tol 1e-6)")
C.check(dx < 1e-3, f"cg vs fire: final positions differ by at most {dx:.1e} A (tol 1e-3: the same minimum)")
if lmp is None:
    C.skip("LAMMPS comparison (no lmp)")
else:
    for name, r in (("cg", cg), ("fire", fire)):
        de = abs(r["e1_atom"] - lmp["pe_atom"])
        C.check(de < 1e-5, f"{name:4s} vs LAMMPS: E/N {r['e1_atom']:.10f} vs {lmp['pe_atom']:.10f} eV, "
                f"diff {de:.1e} (tol 1e-5)")

# The state after minimize is current.
n = 500
de = abs(after["pe"][0] / n - cg["e1_atom"])
C.check(de < 1e-9, f"run after minimize starts at the minimised energy: diff {de:.1e} eV/atom (tol 1e-9)")
C.check(float(np.max(after["temp"])) < 1e-3,
        f"run after minimize stays cold: T max {float(np.max(after['temp'])):.1e} K (tol 1e-3)")

C.check(fixture["stop"] == "force tolerance" and fixture["niter"] == 0,
        f"already minimised fixture: '{fixture['stop']}' after {fixture['niter']} iterations, "
        f"|F| {fixture['fnorm1']:.1e} eV/A")

want = [("energy tolerance", None), ("max iterations", 5), ("max force evaluations", None)]
for r, (stop, niter) in zip(limits, want):
    ok = r["stop"] == stop and (niter is None or r["niter"] == niter) and r["e1"] <= r["e0"]
    if stop == "max force evaluations":
        ok = ok and 10 <= r["neval"] <= 12
    C.check(ok, f"stops on {stop}: '{r['stop']}' after {r['niter']} iterations, {r['neval']} evaluations, "
            f"E {r['e0']:.6f} -> {r['e1']:.6f} eV")

C.check(tri["stop"] == "force tolerance" and max(abs(p) for p in tri["ptensor"]) < 1.0,
        f"box tri: '{tri['stop']}', pressure components {', '.join('%.1e' % p for p in tri['ptensor'])} bar (tol 1)")
C.check(aniso["stop"] == "force tolerance" and max(abs(p) for p in aniso["ptensor"][:3]) < 1.0,
        f"box aniso (fire): '{aniso['stop']}', pxx pyy pzz {', '.join('%.1e' % p for p in aniso['ptensor'][:3])} "
        f"bar (tol 1)")
if lmp_tri is not None:
    de = abs(tri["e1_atom"] - lmp_tri["pe_atom"])
    mine = list(tri_data["hi"] - tri_data["lo"]) + list(tri_data["tilt"])
    theirs = [lmp_tri[k] for k in ("lx", "ly", "lz", "xy", "xz", "yz")]
    db = max(abs(x - y) for x, y in zip(mine, theirs))
    C.check(de < 1e-8 and db < 1e-4, f"box tri result is a minimum for LAMMPS' box/relax tri: E/N {tri['e1_atom']:.10f} "
            f"vs {lmp_tri['pe_atom']:.10f} eV (diff {de:.1e}, tol 1e-8), box edges and tilts within {db:.1e} A "
            f"(tol 1e-4)")
C.finish()
