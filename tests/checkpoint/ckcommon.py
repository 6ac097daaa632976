"""Shared by the checkpoint tests: decks, file comparison, h5py readers."""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import mgmdtest as mt  # noqa: E402

RESUBMIT = 75  # MG_EXIT_RESUBMIT, docs/checkpoints.md


def deck(ensemble, steps, every, data="cuzr-liquid.data", extra="", action=None):
    """A deck that checkpoints every `every` steps (files ck/run.NNNNNN.h5)
    and writes thermo, a text dump, an extended XYZ file and an H5MD file."""
    action = action or f"run {steps}"
    return f"""units metal
timestep 2 fs
read_data {mt.DATA}/{data}
potential eam/fs CuZr_mm.eam.fs Cu Zr
neighbor skin 1.0
thermo every 5 file thermo.csv
dump d every 20 file traj.dump columns id type x y z vx vy vz fx fy fz
dump x every 20 file traj.xyz format xyz columns id vx vy vz
dump h every 20 file traj.h5md format h5md columns id type x y z vx vy vz ix iy iz
ensemble {ensemble}
checkpoint every {every} file ck/run keep 20
{extra}
{action}
write_checkpoint final.h5
"""


def h5md_arrays(path):
    """Every dataset of an H5MD file, by path (for exact comparison)."""
    import h5py
    out = {}
    with h5py.File(path, "r") as f:
        f.visititems(lambda name, obj: out.__setitem__(name, obj[()]) if isinstance(obj, h5py.Dataset) else None)
    return out


def read_bytes(path):
    with open(path, "rb") as f:
        return f.read()


def atoms_by_id(path):
    """Checkpoint -> (ids sorted, positions, velocities, images, step, time)."""
    import h5py
    with h5py.File(path, "r") as f:
        ids = f["atoms/id"][()]
        order = np.argsort(ids)
        return {
            "id": ids[order],
            "x": f["atoms/position"][()][order],
            "v": f["atoms/velocity"][()][order],
            "image": f["atoms/image"][()][order],
            "step": int(f["state"].attrs["step"]),
            "time": float(f["state"].attrs["time"]),
        }


def checkpoints(wd):
    d = os.path.join(wd, "ck")
    return sorted(os.path.join(d, n) for n in os.listdir(d) if n.endswith(".h5")) if os.path.isdir(d) else []


# The tally (tests/mgmdtest.py): check(ok, message), then finish().
Checker = mt.Checks
