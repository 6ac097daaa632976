#!/usr/bin/python3
"""mgmd's LAMMPS text dump and data file load in real readers without conversion.

For each of two fixtures -- tests/data/cuzr-triclinic.data (triclinic, tilts
xy, xz, yz all non-zero) and tests/data/cuzr-liquid.data (orthogonal) -- mgmd
runs 10 NVE steps (eam/fs CuZr_mm.eam.fs Cu Zr, 1 fs) with

    dump d every 5 file dump.txt columns id type element x y z vx vy vz fx fy fz pe precision 17

and `write_data end.data` after the run, i.e. at the dump's last step (10).
"mgmd's values" below are the numbers in those two files, parsed here by a
plain text parser (tests/mgmdtest.py read_data for the data file, a minimal
dump parser below), and the box edge vectors a = (lx,0,0), b = (xy,ly,0),
c = (xz,yz,lz) with origin (xlo,ylo,zlo) from the data file's header.

Checked, for each fixture:

ASE, ase.io.read(dump, format='lammps-dump-text', index=':'):
  - 3 frames (steps 0, 5, 10), each with the data file's number of atoms;
  - every frame: cell == (a, b, c), cell origin (celldisp) == (xlo,ylo,zlo),
    pbc all True;
  - every frame: positions, forces (SinglePointCalculator, get_forces()) and
    velocities (converted back from ASE units) == the dump's columns;
    element symbols == the `element` column == the element mgmd wrote for the
    atom's type in the data file's Masses comments;
  - last frame (step 10): positions == the data file's positions, modulo the
    periodic cell (fractional difference reduced to the nearest lattice
    vector), velocities == the data file's Velocities;
  - first frame (step 0): positions == the input fixture's, modulo the cell;
  - sum of the pe column == thermo pe at each dumped step (1e-8 relative) and
    the forces sum to zero (1e-8 eV/A): the columns hold what they claim.
ASE, ase.io.read(data, format='lammps-data', style='atomic', units='metal'):
  - number of atoms, cell == (a, b, c), ids, types;
  - positions == mgmd's, and unwrapped positions (ASE's `travel` image flags)
    == mgmd's x + H image;
  - masses (converted back to g/mol) and velocities == mgmd's; with
    Z_of_type from the Masses comments the chemical symbols == the dump's.
MDAnalysis, Universe(data, format='DATA', atom_style='id type x y z'):
  - number of atoms, ids, types, masses, positions and box vectors
    (triclinic_dimensions) == mgmd's.

Tolerance: 1e-10 absolute (A, eV/A, A/ps, g/mol) for ASE -- mgmd writes
%.17g, so agreement is exact up to the readers' unit conversions.
MDAnalysis keeps coordinates and box in float32 by design, so its checks use
2e-6 relative to the box size (~4e-5 A here), a few float32 ulps.

Ends with `N passed, M failed`; exit status 1 if any check failed.
"""
import os
import sys
import tempfile
import warnings

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import mgmdtest as mt  # noqa: E402

import ase.data  # noqa: E402
import ase.io  # noqa: E402
from ase.calculators.lammps import convert  # noqa: E402

_show, warnings.showwarning = warnings.showwarning, lambda *a, **k: None
import MDAnalysis  # noqa: E402  (its import warns about deprecated xdrlib)
warnings.showwarning = _show

TOL = 1e-10
STEPS, EVERY = 10, 5
COLUMNS = "id type element x y z vx vy vz fx fy fz pe"

checks = mt.Checks()
check = checks.named  # check(name, ok, detail)


def maxdiff(a, b):
    a, b = np.asarray(a, float), np.asarray(b, float)
    if a.shape != b.shape:
        return np.inf
    return float(np.max(np.abs(a - b))) if a.size else 0.0


def close(name, a, b, tol=TOL):
    d = maxdiff(a, b)
    return check(name, d <= tol, f"max |diff| {d:.3g} (tol {tol:g})")


def parse_dump(path):
    """mgmd's dump as written: list of frames {step, natoms, bounds, cols}."""
    frames = []
    with open(path) as f:
        lines = f.read().split("\n")
    i = 0
    while i < len(lines):
        if lines[i] != "ITEM: TIMESTEP":
            i += 1
            continue
        fr = {"step": int(lines[i + 1])}
        assert lines[i + 2] == "ITEM: NUMBER OF ATOMS"
        n = fr["natoms"] = int(lines[i + 3])
        assert lines[i + 4].startswith("ITEM: BOX BOUNDS")
        fr["boxline"] = lines[i + 4]
        fr["bounds"] = np.array([[float(v) for v in lines[i + 5 + k].split()] for k in range(3)])
        assert lines[i + 8].startswith("ITEM: ATOMS ")
        names = lines[i + 8].split()[2:]
        rows = [lines[i + 9 + k].split() for k in range(n)]
        rows.sort(key=lambda r: int(r[names.index("id")]))
        fr["cols"] = {c: [r[k] for r in rows] for k, c in enumerate(names)}
        frames.append(fr)
        i += 9 + n
    return frames


def fcol(fr, *names):
    return np.array([[float(v) for v in fr["cols"][c]] for c in names]).T


def element_of_type(path):
    """type -> element from the '1 63.546 # Cu' comments mgmd writes."""
    out = {}
    with open(path) as f:
        lines = f.read().split("\n")
    k = lines.index("Masses")
    for line in lines[k + 1:]:
        if line.strip() == "":
            if out:
                break
            continue
        w = line.split("#")
        out[int(w[0].split()[0])] = w[1].strip() if len(w) > 1 else ""
    return out


def cell_of(d):
    L = d["hi"] - d["lo"]
    xy, xz, yz = d["tilt"]
    return np.array([[L[0], 0, 0], [xy, L[1], 0], [xz, yz, L[2]]])


def mod_cell(dx, H):
    """dx reduced to the nearest image: dx - n.H, n integer (rows of H = a, b, c)."""
    s = np.asarray(dx) @ np.linalg.inv(H)
    return (s - np.round(s)) @ H


def by_id(ids):
    return np.argsort(np.asarray(ids))


def check_case(label, fixture, triclinic):
    print(f"--- {label}: {os.path.basename(fixture)}")
    deck = f"""
units metal
timestep 1 fs
read_data {fixture}
potential eam/fs CuZr_mm.eam.fs Cu Zr
thermo every {EVERY} file thermo.csv
dump d every {EVERY} file dump.txt columns {COLUMNS} precision 17
run {STEPS}
write_data end.data
"""
    with tempfile.TemporaryDirectory() as wd:
        mt.run_mgmd(deck, wd)
        dump_path, data_path = os.path.join(wd, "dump.txt"), os.path.join(wd, "end.data")
        raw = parse_dump(dump_path)
        d = mt.read_data(data_path)
        d0 = mt.read_data(fixture)
        th = mt.read_thermo(os.path.join(wd, "thermo.csv"))
        elem = element_of_type(data_path)
        frames = ase.io.read(dump_path, format="lammps-dump-text", index=":")
        adata = ase.io.read(data_path, format="lammps-data", style="atomic", units="metal")
        Z = {t: ase.data.atomic_numbers[e] for t, e in elem.items()}
        adata_z = ase.io.read(data_path, format="lammps-data", style="atomic", units="metal", Z_of_type=Z)
        u = MDAnalysis.Universe(data_path, format="DATA", atom_style="id type x y z")

    n = len(d["id"])
    H = cell_of(d)
    check(f"{label}: data file box is {'triclinic, all tilts non-zero' if triclinic else 'orthogonal'}",
          np.all(d["tilt"] != 0) if triclinic else np.all(d["tilt"] == 0), f"tilts {d['tilt']}")
    check(f"{label}: mgmd wrote element names for every type in Masses",
          sorted(elem) == list(range(1, len(elem) + 1)) and all(elem.values()), str(elem))
    check(f"{label}: mgmd's dump has {STEPS // EVERY + 1} frames at steps 0..{STEPS}",
          [fr["step"] for fr in raw] == list(range(0, STEPS + 1, EVERY)), str([fr["step"] for fr in raw]))
    want_box = "ITEM: BOX BOUNDS xy xz yz pp pp pp" if triclinic else "ITEM: BOX BOUNDS pp pp pp"
    check(f"{label}: dump box header", all(fr["boxline"] == want_box for fr in raw), raw[0]["boxline"])

    # ---- ASE, dump ----
    check(f"ASE dump {label}: number of frames", len(frames) == len(raw), f"{len(frames)} vs {len(raw)}")
    check(f"ASE dump {label}: atoms per frame",
          all(len(a) == n for a in frames) and all(fr["natoms"] == n for fr in raw),
          f"{[len(a) for a in frames]} vs {n}")
    close(f"ASE dump {label}: cell == (a, b, c), all frames", [a.cell[:] for a in frames], [H] * len(frames))
    close(f"ASE dump {label}: cell origin == (xlo, ylo, zlo), all frames",
          [a.get_celldisp().ravel() for a in frames], [d["lo"]] * len(frames))
    check(f"ASE dump {label}: pbc", all(a.pbc.all() for a in frames))
    want_sym = [[elem[int(t)] for t in fr["cols"]["type"]] for fr in raw]
    check(f"ASE dump {label}: element symbols == data file's type -> element, all frames",
          all(list(a.get_chemical_symbols()) == w for a, w in zip(frames, want_sym))
          and all(fr["cols"]["element"] == w for fr, w in zip(raw, want_sym)))
    close(f"ASE dump {label}: positions == dump columns, all frames",
          [a.positions for a in frames], [fcol(fr, "x", "y", "z") for fr in raw])
    close(f"ASE dump {label}: forces == dump fx fy fz, all frames",
          [a.get_forces() for a in frames], [fcol(fr, "fx", "fy", "fz") for fr in raw])
    close(f"ASE dump {label}: velocities == dump vx vy vz, all frames",
          [convert(a.get_velocities(), "velocity", "ASE", "metal") for a in frames],
          [fcol(fr, "vx", "vy", "vz") for fr in raw])

    last = frames[-1]
    check(f"ASE dump {label}: last frame ids == data file ids",
          np.array_equal([int(v) for v in raw[-1]["cols"]["id"]], d["id"]))
    close(f"ASE dump {label}: last frame positions == data file's, modulo the cell",
          mod_cell(last.positions - d["x"], H), np.zeros((n, 3)))
    close(f"ASE dump {label}: last frame velocities == data file's",
          convert(last.get_velocities(), "velocity", "ASE", "metal"), d["v"])
    close(f"ASE dump {label}: first frame positions == input fixture's, modulo the cell",
          mod_cell(frames[0].positions - d0["x"], H), np.zeros((n, 3)))

    fsum = max(float(np.abs(fcol(fr, "fx", "fy", "fz").sum(axis=0)).max()) for fr in raw)
    check(f"{label}: dump forces sum to zero", fsum < 1e-8, f"max |sum f| {fsum:.2g} eV/A (tol 1e-8)")
    pe = np.array([fcol(fr, "pe").sum() for fr in raw])
    pe_th = np.array([th["pe"][th["step"] == fr["step"]][0] for fr in raw])
    rel = float(np.max(np.abs(pe - pe_th) / np.abs(pe_th)))
    check(f"{label}: sum of dump pe == thermo pe at each dumped step", rel < 1e-8,
          f"max rel diff {rel:.2g} (tol 1e-8)")

    # ---- ASE, data file ----
    check(f"ASE data {label}: number of atoms", len(adata) == n, f"{len(adata)} vs {n}")
    o = by_id(adata.arrays["id"])
    close(f"ASE data {label}: cell == (a, b, c)", adata.cell[:], H)
    check(f"ASE data {label}: ids and types",
          np.array_equal(adata.arrays["id"][o], d["id"]) and np.array_equal(adata.arrays["type"][o], d["type"]))
    close(f"ASE data {label}: positions", adata.positions[o], d["x"])
    close(f"ASE data {label}: unwrapped positions (travel image flags)",
          adata.positions[o] + adata.arrays["travel"][o] @ adata.cell[:], mt.unwrapped(d))
    close(f"ASE data {label}: masses", convert(adata.get_masses()[o], "mass", "ASE", "metal"),
          [d["masses"][t] for t in d["type"]])
    close(f"ASE data {label}: velocities", convert(adata.get_velocities()[o], "velocity", "ASE", "metal"), d["v"])
    check(f"ASE data {label}: symbols with Z_of_type from mgmd's Masses comments == dump's",
          list(np.array(adata_z.get_chemical_symbols())[by_id(adata_z.arrays["id"])]) == want_sym[-1])

    # ---- MDAnalysis, data file ----
    mtol = 2e-6 * float(np.abs(H).max())
    check(f"MDAnalysis data {label}: number of atoms", u.atoms.n_atoms == n, f"{u.atoms.n_atoms} vs {n}")
    o = by_id(u.atoms.ids)
    check(f"MDAnalysis data {label}: ids and types",
          np.array_equal(u.atoms.ids[o], d["id"]) and [int(t) for t in u.atoms.types[o]] == list(d["type"]))
    close(f"MDAnalysis data {label}: masses", u.atoms.masses[o], [d["masses"][t] for t in d["type"]])
    close(f"MDAnalysis data {label}: box vectors (float32)", u.trajectory.ts.triclinic_dimensions, H, mtol)
    close(f"MDAnalysis data {label}: positions (float32)", u.atoms.positions[o], d["x"], mtol)


check_case("triclinic", os.path.join(mt.DATA, "cuzr-triclinic.data"), True)
check_case("orthogonal", os.path.join(mt.DATA, "cuzr-liquid.data"), False)
checks.finish()
