"""Shared by the group tests: reading LAMMPS text dumps."""
import numpy as np


def read_dump(path):
    """LAMMPS text dump -> list of frames {step, box lo/hi/tilt, columns}."""
    frames = []
    with open(path) as f:
        lines = f.read().split("\n")
    k = 0
    while k < len(lines) and lines[k].startswith("ITEM: TIMESTEP"):
        step = int(lines[k + 1])
        n = int(lines[k + 3])
        head = lines[k + 4].split()
        tilt = "xy" in head
        b = [[float(v) for v in lines[k + 5 + d].split()] for d in range(3)]
        cols = lines[k + 8].split()[2:]
        rows = np.array([[float(v) for v in lines[k + 9 + j].split()] for j in range(n)])
        fr = {"step": step, "cols": {c: rows[:, j] for j, c in enumerate(cols)}}
        if tilt:
            xy, xz, yz = b[0][2], b[1][2], b[2][2]
            lo = np.array([b[0][0] - min(0, xy, xz, xy + xz), b[1][0] - min(0, yz), b[2][0]])
            hi = np.array([b[0][1] - max(0, xy, xz, xy + xz), b[1][1] - max(0, yz), b[2][1]])
            fr["tilt"] = np.array([xy, xz, yz])
        else:
            lo, hi = np.array([r[0] for r in b]), np.array([r[1] for r in b])
            fr["tilt"] = np.zeros(3)
        fr["lo"], fr["hi"] = lo, hi
        frames.append(fr)
        k += 9 + n
    return frames
