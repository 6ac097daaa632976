#!/usr/bin/python3
"""Crystals relaxed with their box: FIRE and CG against known lattice
constants and against LAMMPS.

Mendelev's CuZr_mm.eam.fs gives (0 bar): fcc Cu a = 3.639 A, hcp Zr
a = 3.220 A and c = 5.215 A, B2 CuZr 3.237 A, L1_2 Cu3Zr 3.936 A, L1_2 CuZr3
4.324 A. Each crystal starts a few per cent off (hcp also off in c/a) and is
minimised by `minimize cg|fire ... box iso 0` (hcp: `box aniso 0`, x, y and
z free). Checks, for both minimisers:

- it stops on the force tolerance (ftol 1e-6 eV/A, box forces included);
- the lattice constants are the known ones to +-0.001 A (the figures above
  are rounded to 1e-3 A), every cell edge of the box alike;
- the energy per atom equals LAMMPS' (`fix box/relax iso|aniso 0.0`,
  `min_style cg`, ftol 1e-10, started from the same data file) to 1e-6
  eV/atom, and the lattice constants equal LAMMPS' to 1e-4 A. The residual
  pressure at ftol 1e-6 is < 1 bar, i.e. a strain of ~1e-6 and an energy
  error of ~1e-12 eV/atom, so the tolerances are loose for a correct
  minimiser while a wrong pressure (a 1 % error of the virial shifts a by
  ~1e-3 A) or a wrong minimum fails them;
- fcc Cu with `box tri 0` keeps zero tilts and the same a (the tri code
  path; not B2, which this potential makes unstable to shear: LAMMPS, whose
  round-off breaks the symmetry, shears it into a lower-energy structure);
- fcc Cu at a target of 1 GPa (`box iso 1 GPa`: units parsed) against
  LAMMPS' `box/relax iso 10000.0`: the lattice constant to 1e-4 A and the
  enthalpy-free potential energy to 1e-6 eV/atom.
"""
import math
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mincommon as mc  # noqa: E402

mt = mc.mt
C = mc.Checks()
HAVE_LMP = mc.lammps_binary() is not None

# name, lattice, start a, cells, types, covera, box, expected {name: (value, cell edges)}
CASES = [
    ("fcc Cu", "fcc", 3.70, (4, 4, 4), ["Cu"], None, "iso", 0.0, {"a": 3.639}),
    ("hcp Zr", "hcp", 3.30, (4, 3, 3), ["Zr"], 1.60, "aniso", 0.0, {"a": 3.220, "c": 5.215}),
    ("B2 CuZr", "b2", 3.15, (5, 5, 5), ["Cu", "Zr"], None, "iso", 0.0, {"a": 3.237}),
    ("L12 Cu3Zr", "l12", 4.05, (4, 4, 4), ["Cu", "Zr"], None, "iso", 0.0, {"a": 3.936}),
    ("L12 CuZr3", "l12", 4.20, (4, 4, 4), ["Zr", "Cu"], None, "iso", 0.0, {"a": 4.324}),
    ("fcc Cu tri", "fcc", 3.56, (4, 4, 4), ["Cu"], None, "tri", 0.0, {"a": 3.639}),
    ("fcc Cu 1 GPa", "fcc", 3.70, (4, 4, 4), ["Cu"], None, "iso", 10000.0, {}),
]


def lattice_constants(lat, cells, lengths):
    """Per-edge lattice constants from the box lengths: {'a': [..], 'c': [..]}."""
    if lat == "hcp":
        return {"a": [lengths[0] / cells[0], lengths[1] / (cells[1] * math.sqrt(3.0))], "c": [lengths[2] / cells[2]]}
    return {"a": [lengths[d] / cells[d] for d in range(3)]}


for name, lat, a0, cells, types, covera, relax, ptarget, expect in CASES:
    elements = sorted(set(types), key=types.index)
    press = f"{ptarget / 10000.0:g} GPa" if ptarget else "0"
    build = f"create_lattice {lat} {a0} cells {cells[0]} {cells[1]} {cells[2]} types {' '.join(types)}"
    if covera:
        build += f" covera {covera}"
    res = {}
    with tempfile.TemporaryDirectory() as wd:
        for style in ("cg", "fire"):
            deck = f"""units metal
{build}
potential eam/fs CuZr_mm.eam.fs {' '.join(elements)}
write_data start.data
thermo every 1000
minimize {style} etol 0 ftol 1e-6 maxiter 20000 maxeval 40000 box {relax} {press}
write_data end-{style}.data
"""
            p = mt.run_mgmd(deck, wd)
            r = mc.parse_reports(p.stdout)[-1]
            d = mt.read_data(os.path.join(wd, f"end-{style}.data"))
            r["tilt"] = list(d["tilt"])
            res[style] = r
        ref = mc.lammps_minimize("start.data", elements, wd, relax=relax, ptarget=ptarget) if HAVE_LMP else None

    if ref is not None:
        ref_lc = lattice_constants(lat, cells, [ref["lx"], ref["ly"], ref["lz"]])
    for style, r in res.items():
        tag = f"{name:13s} {style:4s}"
        C.check(r["stop"] == "force tolerance" and r["gnorm1"] < 1e-6,
                f"{tag} stops on the force tolerance: '{r['stop']}', |F| {r['gnorm1']:.2e} eV/A, "
                f"{r['niter']} iterations, {r['neval']} evaluations")
        lc = lattice_constants(lat, cells, r["len"])
        for k, want in expect.items():
            worst = max(abs(v - want) for v in lc[k])
            C.check(worst <= 0.001, f"{tag} {k} = {', '.join('%.6f' % v for v in lc[k])} A, "
                    f"known {want:.3f} A (tol 0.001)")
        if relax == "tri":
            C.check(max(abs(t) for t in r["tilt"]) < 1e-8,
                    f"{tag} tilts stay zero: {', '.join('%.1e' % t for t in r['tilt'])} A (tol 1e-8)")
        C.check(abs(r["press"] - ptarget) < 1.0, f"{tag} pressure {r['press']:.4g} bar, target {ptarget:g} (tol 1)")
        if ref is None:
            C.skip(f"{tag} LAMMPS comparison (no lmp)")
            continue
        de = abs(r["e1_atom"] - ref["pe_atom"])
        C.check(de < 1e-6, f"{tag} E/N {r['e1_atom']:.10f} eV, LAMMPS {ref['pe_atom']:.10f} eV, "
                f"diff {de:.1e} (tol 1e-6)")
        da = max(abs(x - y) for k in lc for x, y in zip(lc[k], ref_lc[k]))
        C.check(da < 1e-4, f"{tag} lattice constants vs LAMMPS: max diff {da:.1e} A (tol 1e-4)")
    # The two minimisers find the same crystal.
    de = abs(res["cg"]["e1_atom"] - res["fire"]["e1_atom"])
    C.check(de < 1e-9, f"{name:13s} cg vs fire: E/N diff {de:.1e} eV (tol 1e-9)")

C.finish()
