"""Helpers of the elastic-constant tests: read mgmd's PREFIX_cij.csv and
PREFIX_moduli.csv, an independent NumPy Voigt/Reuss/Hill, and LAMMPS
(Debian's `lmp`, or $MGMD_LAMMPS) running the protocol of its
examples/ELASTIC on the same data file: for each Voigt strain J and sign,
`clear`, read the data file, `change_box all triclinic`, the example's
`change_box ... remap units box` line, then `minimize` (relax yes), `run 0`
(relax no) or NVT runs (finite temperature), and the pressure tensor.
Standard library + numpy only."""
import os
import shutil
import subprocess
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
import mgmdtest as mt  # noqa: E402

POTDIR = "/usr/share/lammps/potentials"
CUZR = os.path.join(POTDIR, "CuZr_mm.eam.fs")
VOIGT = ["xx", "yy", "zz", "yz", "xz", "xy"]
# LAMMPS' pressure keywords in Voigt order.
PKEYS = ["pxx", "pyy", "pzz", "pyz", "pxz", "pxy"]


def read_cij(path):
    """6x6 matrix of a PREFIX_cij.csv (or _cij_err.csv); checks the header."""
    with open(path) as f:
        head = f.readline().strip().split(",")
    want = [f"C_i{j + 1}_{VOIGT[j]}[GPa]" for j in range(6)]
    if head != want and head != ["SE_" + w for w in want]:
        raise ValueError(f"{path}: header {head}")
    m = np.loadtxt(path, delimiter=",", skiprows=1)
    assert m.shape == (6, 6), m.shape
    return m


def read_moduli(path):
    """{'voigt': {'B': .., 'G': .., 'E': .., 'nu': .., 'B_se': ..}, ...}"""
    with open(path) as f:
        rows = [l.strip().split(",") for l in f if l.strip()]
    names = [h.split("[")[0] for h in rows[0][1:]]
    return {r[0]: {n: float(v) for n, v in zip(names, r[1:])} for r in rows[1:]}


def vrh(C):
    """Voigt, Reuss, Hill (Hill 1952) from a 6x6 stiffness (GPa), written
    from the textbook definitions independently of mgmd's code: Reuss from
    the compliance S = C^-1 (numpy.linalg.inv)."""
    C = np.asarray(C, float)
    S = np.linalg.inv(C)
    a, b, c = np.trace(C[:3, :3]), C[0, 1] + C[1, 2] + C[0, 2], np.trace(C[3:, 3:])
    sa, sb, sc = np.trace(S[:3, :3]), S[0, 1] + S[1, 2] + S[0, 2], np.trace(S[3:, 3:])
    out = {"voigt": {"B": (a + 2 * b) / 9, "G": (a - b + 3 * c) / 15},
           "reuss": {"B": 1 / (sa + 2 * sb), "G": 15 / (4 * sa - 4 * sb + 3 * sc)}}
    out["hill"] = {k: 0.5 * (out["voigt"][k] + out["reuss"][k]) for k in ("B", "G")}
    for r in out.values():
        B, G = r["B"], r["G"]
        r["E"] = 9 * B * G / (3 * B + G)
        r["nu"] = (3 * B - 2 * G) / (2 * (3 * B + G))
    return out


def lammps_binary():
    exe = os.environ.get("MGMD_LAMMPS") or shutil.which("lmp")
    return exe if exe and os.path.exists(exe) else None


def run_lammps(text, workdir, timeout=1200):
    path = os.path.join(workdir, "in.lammps")
    with open(path, "w") as f:
        f.write(text)
    p = subprocess.run([lammps_binary(), "-in", "in.lammps", "-log", "log.lammps", "-echo", "none"], cwd=workdir,
                       capture_output=True, text=True, timeout=timeout)
    if p.returncode != 0:
        sys.stderr.write(p.stdout[-3000:] + p.stderr[-3000:])
        raise RuntimeError("LAMMPS failed (exit %d)" % p.returncode)
    return p.stdout


def strain_line(J, e):
    """examples/ELASTIC/displace.mod's change_box for direction J+1, with the
    deltas evaluated at that moment ($() immediate, 17 digits)."""
    d = lambda expr: f"$({e!r}*{expr}:%.17g)"  # noqa: E731
    return ["change_box all x delta 0 {} xy delta {} xz delta {} remap units box".format(d("lx"), d("xy"), d("xz")),
            "change_box all y delta 0 {} yz delta {} remap units box".format(d("ly"), d("yz")),
            "change_box all z delta 0 {} remap units box".format(d("lz")),
            "change_box all yz delta {} remap units box".format(d("lz")),
            "change_box all xz delta {} remap units box".format(d("lz")),
            "change_box all xy delta {} remap units box".format(d("ly"))][J]


def _head(data, pair):
    return f"""clear
units metal
atom_style atomic
boundary p p p
read_data {data}
change_box all triclinic
{pair}
neighbor 1.0 bin
neigh_modify every 1 delay 0 check yes
thermo_style custom step temp pe press pxx pyy pzz pyz pxz pxy
thermo_modify format float %.15g
"""


def lammps_static(data, pair, eps, relax, workdir, ftol=1e-10, maxiter=10000, maxeval=100000):
    """C (raw: row i stress, column J strain; GPa) and the 12 pressure
    tensors from LAMMPS at 0 K: velocities zeroed, CG minimisation (etol 0,
    ftol, maxiter, maxeval; min_modify line quadratic, LAMMPS' default) or
    `run 0`."""
    parts = []
    for J in range(6):
        for k, sgn in enumerate((-1.0, 1.0)):
            parts.append(_head(data, pair) + "velocity all set 0.0 0.0 0.0\n" + strain_line(J, sgn * eps) + "\n")
            parts.append(f"min_style cg\nminimize 0.0 {ftol!r} {maxiter} {maxeval}\n" if relax else "run 0\n")
            parts.append('print "RESULT %d %d %s"\n' % (J, k, " ".join(f"$({p}:%.17g)" for p in PKEYS)))
    out = run_lammps("".join(parts), workdir)
    P = np.zeros((6, 2, 6))
    for line in out.splitlines():
        w = line.split()
        if len(w) == 9 and w[0] == "RESULT":
            P[int(w[1]), int(w[2])] = [float(v) for v in w[3:]]
    craw = np.zeros((6, 6))
    for J in range(6):
        craw[:, J] = -(P[J, 1] - P[J, 0]) / (2 * eps) * 1e-4
    return craw, P


def lammps_thermal(data, pair, eps, temp, tdamp, dt, equil, steps, blocks, workdir):
    """Finite temperature with LAMMPS: for each strained state `fix nvt temp
    T T tdamp` (chain 3), `equil` steps, then `steps` steps whose pressure
    tensor `fix ave/time` averages per block. Returns the per-block C
    matrices (raw, GPa), shape (blocks, 6, 6), paired + and - blocks as
    mgmd pairs them."""
    L = steps // blocks
    skip = equil + (steps - L * blocks)
    parts = []
    for J in range(6):
        for k, sgn in enumerate((-1.0, 1.0)):
            parts.append(_head(data, pair) + f"timestep {dt!r}\n" + strain_line(J, sgn * eps) + "\n")
            parts.append(f"fix t all nvt temp {temp!r} {temp!r} {tdamp!r}\nthermo 1000\n")
            if skip:
                parts.append(f"run {skip}\n")
            # Blocks end on multiples of L from the production run's start.
            parts.append("reset_timestep 0\n")
            parts.append(f"fix a all ave/time 1 {L} {L} c_thermo_press[1] c_thermo_press[2] c_thermo_press[3] "
                         f"c_thermo_press[6] c_thermo_press[5] c_thermo_press[4] file blocks_{J}_{k}.txt "
                         f"format \" %.17g\"\nrun {L * blocks}\n")
    run_lammps("".join(parts), workdir)
    bm = np.zeros((6, 2, blocks, 6))
    for J in range(6):
        for k in range(2):
            a = np.loadtxt(os.path.join(workdir, f"blocks_{J}_{k}.txt"), comments="#", ndmin=2)
            assert a.shape == (blocks, 7), a.shape
            bm[J, k] = a[:, 1:]
    cb = np.zeros((blocks, 6, 6))
    for J in range(6):
        cb[:, :, J] = -(bm[J, 1] - bm[J, 0]) / (2 * eps) * 1e-4
    return cb


def sym(c):
    return 0.5 * (c + np.swapaxes(c, -1, -2))


def cubic(C, SE=None):
    """C11, C12, C44 as means of their three cubic-equivalent components,
    with standard errors if SE is given (components treated as independent:
    they come from different strained runs)."""
    groups = {"C11": [(0, 0), (1, 1), (2, 2)], "C12": [(0, 1), (0, 2), (1, 2)], "C44": [(3, 3), (4, 4), (5, 5)]}
    val = {n: float(np.mean([C[i, j] for i, j in g])) for n, g in groups.items()}
    if SE is None:
        return val
    err = {n: float(np.sqrt(sum(SE[i, j] ** 2 for i, j in g)) / 3) for n, g in groups.items()}
    return val, err
