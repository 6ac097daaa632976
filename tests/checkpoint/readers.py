#!/usr/bin/python3
"""Trajectories load in the readers users have, and agree with the checkpoint
(which h5dump reads too).

A 200-step NVT run of the triclinic Cu-Zr liquid (and of the orthogonal one)
on 2 ranks writes, at steps 0, 100 and 200, an H5MD file, a LAMMPS dump and
an extended XYZ file, then a checkpoint at step 200. MDAnalysis reads the
H5MD file (positions, box lengths and angles, step, time), ASE reads the
dump (lammps-dump-text) and the extended XYZ file (positions, cell,
velocities, pbc). Each reader's last frame must match the checkpoint's
positions by id: exactly through h5py (binary doubles), to 1e-5 A through
MDAnalysis (it keeps float32: 6e-8 relative of ~20 A), to 1e-9 A for the
dump and XYZ written with 17 significant digits; box edges to 1e-9 A.
Then the README's table of readers: ASE reads an XYZ file's Voronoi
counts as integers, drops a dump's extra columns, and reads a data file's
elements only with Z_of_type."""
import os
import tempfile
import warnings

import numpy as np

from ckcommon import Checker, atoms_by_id, mt

warnings.filterwarnings("ignore")
check = Checker()


def cell_from_checkpoint(path):
    import h5py
    with h5py.File(path, "r") as f:
        lo, hi, t = f["box"].attrs["lo"], f["box"].attrs["hi"], f["box"].attrs["tilt"]
    return np.array([[hi[0] - lo[0], 0, 0], [t[0], hi[1] - lo[1], 0], [t[1], t[2], hi[2] - lo[2]]])


for data in ("cuzr-liquid.data", "cuzr-triclinic.data"):
    deck = f"""units metal
timestep 2 fs
read_data {mt.DATA}/{data}
potential eam/fs CuZr_mm.eam.fs Cu Zr
ensemble nvt temp 1500 K tdamp 0.1 ps
dump h every 100 file traj.h5md format h5md columns id type x y z vx vy vz
dump d every 100 file traj.dump columns id type element x y z vx vy vz precision 17
dump x every 100 file traj.xyz format xyz columns id vx vy vz precision 17
run 200
write_checkpoint final.h5
write_data final.data
"""
    with tempfile.TemporaryDirectory() as wd:
        mt.run_mgmd(deck, wd, np_=2)
        ck = atoms_by_id(os.path.join(wd, "final.h5"))
        cell = cell_from_checkpoint(os.path.join(wd, "final.h5"))
        tag = data.split(".")[0]

        p = mt.subprocess.run(["h5dump", "-A", os.path.join(wd, "final.h5")], capture_output=True, text=True)
        check(p.returncode == 0 and '"mgmd checkpoint"' in p.stdout and "format_version" in p.stdout,
              f"{tag}: h5dump reads the checkpoint's attributes (exit {p.returncode})")

        import MDAnalysis as mda
        u = mda.Universe(os.path.join(wd, "final.data"), os.path.join(wd, "traj.h5md"), format="H5MD",
                         atom_style="id type x y z")
        ts = u.trajectory[-1]
        order = np.argsort(u.atoms.ids)
        dx = np.max(np.abs(ts.positions.astype(float)[order] - ck["x"]))
        lengths = np.linalg.norm(cell, axis=1)
        ok = (len(u.trajectory) == 3 and ts.data.get("step", ts.frame * 100) == 200
              and abs(ts.time - ck["time"]) < 1e-9 and np.allclose(ts.dimensions[:3], lengths, atol=1e-5))
        # MDAnalysis keeps float32 coordinates: 6e-8 relative of ~20 A.
        check(ok and dx < 1e-5,
              f"{tag}: MDAnalysis reads traj.h5md: 3 frames, step 200, box {np.round(ts.dimensions, 4)}, "
              f"positions agree to {dx:.1e} A (float32 reader)")
        import h5py
        with h5py.File(os.path.join(wd, "traj.h5md"), "r") as f:
            x = f["particles/all/position/value"][-1]
            step = f["particles/all/position/step"][-1]
        dxh = np.max(np.abs(x - ck["x"]))
        check(step == 200 and dxh == 0, f"{tag}: h5py: H5MD row k is atom k+1, equal to the checkpoint ({dxh:.1e} A)")

        import ase.io
        frames = ase.io.read(os.path.join(wd, "traj.dump"), index=":", format="lammps-dump-text")
        a = frames[-1]
        ids = a.arrays.get("id", np.arange(1, len(a) + 1))
        order = np.argsort(ids)
        dxd = np.max(np.abs(a.get_positions()[order] - ck["x"]))
        check(len(frames) == 3 and dxd < 1e-9 and np.allclose(a.cell[:], cell, atol=1e-9),
              f"{tag}: ASE reads traj.dump: 3 frames, cell equal, positions agree to {dxd:.1e} A")

        frames = ase.io.read(os.path.join(wd, "traj.xyz"), index=":", format="extxyz")
        a = frames[-1]
        order = np.argsort(a.arrays["id"])
        dxx = np.max(np.abs(a.get_positions()[order] - ck["x"]))
        vel = np.column_stack([a.arrays["vx"], a.arrays["vy"], a.arrays["vz"]])[order]
        dv = np.max(np.abs(vel - ck["v"]))
        check(len(frames) == 3 and dxx < 1e-9 and dv < 1e-9 and np.allclose(a.cell[:], cell, atol=1e-9)
              and a.pbc.all() and a.info.get("Step") == 200 and list(a.get_chemical_symbols()[:1])[0] in ("Cu", "Zr"),
              f"{tag}: ASE reads traj.xyz: 3 frames, cell, pbc, Step, species; positions {dxx:.1e} A, "
              f"velocities {dv:.1e} A/ps")

# What the README's reader table says: ASE keeps integer columns of an XYZ
# file as integers (declared :I: in its header), drops the extra columns of
# a LAMMPS dump, and reads a data file's elements only through Z_of_type.
with tempfile.TemporaryDirectory() as wd:
    mt.run_mgmd(f"""units metal
read_data {mt.DATA}/cuzr-liquid.data
potential eam/fs CuZr_mm.eam.fs Cu Zr
voronoi vor at_end yes file v
dump x every 1 file v.xyz format xyz columns id pe vor_n5 vor_cn vor_vol
dump d every 1 file v.dump columns id type element x y z pe vor_n5
run 0
write_data v.data
""", wd)
    import ase.io
    a = ase.io.read(os.path.join(wd, "v.xyz"))
    kinds = {k: a.arrays[k].dtype.kind for k in ("id", "vor_n5", "vor_cn", "pe", "vor_vol")}
    check(kinds == {"id": "i", "vor_n5": "i", "vor_cn": "i", "pe": "f", "vor_vol": "f"},
          f"ASE reads the XYZ file's Voronoi counts as integers, energies and volumes as reals: {kinds}")
    b = ase.io.read(os.path.join(wd, "v.dump"), format="lammps-dump-text")
    check("pe" not in b.arrays and set(b.get_chemical_symbols()) == {"Cu", "Zr"},
          f"ASE's dump reader keeps the elements and drops pe/vor_n5 (as the README says): {sorted(b.arrays)}")
    plain = ase.io.read(os.path.join(wd, "v.data"), format="lammps-data", style="atomic")
    mapped = ase.io.read(os.path.join(wd, "v.data"), format="lammps-data", style="atomic", Z_of_type={1: 29, 2: 40})
    check(set(plain.get_chemical_symbols()) != {"Cu", "Zr"} and set(mapped.get_chemical_symbols()) == {"Cu", "Zr"},
          f"ASE's data reader ignores the element comments ({sorted(set(plain.get_chemical_symbols()))}) and "
          f"takes them with Z_of_type ({sorted(set(mapped.get_chemical_symbols()))})")
check.finish()
