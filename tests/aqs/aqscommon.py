"""Helpers of the AQS tests (tests/aqs): the planted-instability crystal, a
LAMMPS AQS loop on the same data file (change_box ... delta + minimize, as
users write it), and readers of mgmd's AQS tables. Standard library + numpy.

The crystal: fcc Cu oriented x = [1-10], y = [111], z = [11-2] (so a shear
xy slides (111) planes along a <110> direction: a slip system), 2 x 4 x 2
orthorhombic cells of 6 atoms (96 atoms, 5.21 x 25.5 x 9.02 A at a = 3.684
A, the lattice constant at which this composition has ~0 pressure with
CuZr_mm.eam.fs), with 6 of the Cu replaced by Zr. The solutes break the
crystal's symmetry: a perfect crystal sheared homogeneously stays on its
(unstable) homogeneous branch, every (111) plane alike, until round-off
picks one, so its instability strain depends on the minimiser; with the
solutes the first instability is a saddle-node (a fold) at one place, at a
strain the minimiser does not choose. LAMMPS' CG and FIRE both put it in
(0.125, 0.126] (step 0.001), and on steps of 0.004 and 0.002 both find the
same first drop and land in the same minimum (checked when the fixture was
chosen; the test checks CG). Lx/2 / Ly = 0.102: the box flips (xy -> xy -
Lx) before the instability, which LAMMPS' loop (`box tilt large`, no flip)
does not do: the comparison shows the flip changes nothing."""
import os
import subprocess
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import mgmdtest as mt  # noqa: E402

POTDIR = "/usr/share/lammps/potentials"
CUZR = os.path.join(POTDIR, "CuZr_mm.eam.fs")
A_CRYSTAL = 3.684
CELLS = (2, 4, 2)
ZR_IDS = (4, 14, 44, 48, 71, 90)


def oriented_fcc(a=A_CRYSTAL, cells=CELLS, zr_ids=ZR_IDS):
    """(box lengths, positions, types) of the oriented crystal; ids 1..N in
    the order returned."""
    x1 = np.array([1, -1, 0]) / np.sqrt(2)
    y1 = np.array([1, 1, 1]) / np.sqrt(3)
    z1 = np.array([1, 1, -2]) / np.sqrt(6)
    R = np.array([x1, y1, z1])
    L = np.array([a / np.sqrt(2), a * np.sqrt(3), a * np.sqrt(6) / 2])
    basis = np.array([[0, 0, 0], [.5, .5, 0], [.5, 0, .5], [0, .5, .5]])
    pts = []
    n = 6
    for i in range(-n, n + 1):
        for j in range(-n, n + 1):
            for k in range(-n, n + 1):
                for b in basis:
                    pts.append((np.array([i, j, k]) + b) * a)
    P = np.array(pts) @ R.T
    eps = 1e-6
    cell = P[np.all((P >= -eps) & (P < L - eps), axis=1)]
    assert len(cell) == 6, len(cell)
    X = []
    for i in range(cells[0]):
        for j in range(cells[1]):
            for k in range(cells[2]):
                X.extend(cell + np.array([i, j, k]) * L)
    X = np.array(X)
    T = np.ones(len(X), int)
    for i in zr_ids:
        T[i - 1] = 2
    return L * np.array(cells), X, T


def write_crystal(path, mirror_y=False, **kw):
    """The crystal as a LAMMPS data file (triclinic, zero tilts); with
    mirror_y its mirror image y -> Ly - y (tests/aqs/reverse.py). Returns N."""
    Lb, X, T = oriented_fcc(**kw)
    if mirror_y:
        X = X.copy()
        X[:, 1] = np.mod(Lb[1] - X[:, 1], Lb[1])
    with open(path, "w") as f:
        f.write("Cu crystal with Zr solutes, x=[1-10] y=[111] z=[11-2] (tests/aqs/aqscommon.py)%s\n\n"
                % (", mirrored in y" if mirror_y else ""))
        f.write(f"{len(X)} atoms\n2 atom types\n\n")
        for d, nm in enumerate("xyz"):
            f.write(f"0 {Lb[d]:.16g} {nm}lo {nm}hi\n")
        f.write("0 0 0 xy xz yz\n\nMasses\n\n1 63.546\n2 91.224\n\nAtoms # atomic\n\n")
        for i in range(len(X)):
            f.write(f"{i + 1} {T[i]} {X[i, 0]:.16g} {X[i, 1]:.16g} {X[i, 2]:.16g}\n")
    return len(X)


def lammps_binary():
    import shutil
    exe = os.environ.get("MGMD_LAMMPS") or shutil.which("lmp")
    return exe if exe and os.path.exists(exe) else None


def lammps_aqs(data, workdir, step, n, comp="xy", style="cg", ftol=1e-10, dumps=False, pair=None):
    """LAMMPS' AQS loop on `data`: minimise, then n times `change_box all
    COMP delta STEP*L remap` + minimise (etol 0, ftol). Returns a dict:
    sigma (n+1, 6) GPa (-P), pe (n+1,) eV, and with dumps the unwrapped
    positions after each affine step and each minimisation (n+1, N, 3),
    atoms in id order. `box tilt large`: no flips."""
    os.makedirs(workdir, exist_ok=True)
    perp = {"xy": "ly", "xz": "lz", "yz": "lz"}[comp]
    pair = pair or f"pair_style eam/fs\npair_coeff * * {CUZR} Cu Zr"
    dump = ("write_dump all custom {tag}_${{n}}.dump id xu yu zu modify sort id format float %.17g\n"
            if dumps else "")
    text = f"""units metal
atom_style atomic
boundary p p p
box tilt large
read_data {data}
{pair}
neighbor 1.0 bin
neigh_modify every 1 delay 0 check yes
thermo_style custom step pe pxx pyy pzz pxy pxz pyz
thermo 1000000
min_style {style}
variable d equal {step!r}*{perp}
variable dd equal $(v_d:%.17g)
variable n equal 0
{dump.format(tag="aff")}minimize 0 {ftol!r} 100000 1000000
{dump.format(tag="min")}print "RES 0 $(pe:%.17g) $(pxx:%.17g) $(pyy:%.17g) $(pzz:%.17g) $(pxy:%.17g) $(pxz:%.17g) $(pyz:%.17g)"
variable n delete
variable n loop {n}
label loop
change_box all {comp} delta ${{dd}} remap units box
{dump.format(tag="aff")}minimize 0 {ftol!r} 100000 1000000
{dump.format(tag="min")}print "RES ${{n}} $(pe:%.17g) $(pxx:%.17g) $(pyy:%.17g) $(pzz:%.17g) $(pxy:%.17g) $(pxz:%.17g) $(pyz:%.17g)"
next n
jump SELF loop
"""
    with open(os.path.join(workdir, "in.lammps"), "w") as f:
        f.write(text)
    p = subprocess.run([lammps_binary(), "-in", "in.lammps", "-log", "none", "-echo", "none", "-nocite"],
                       cwd=workdir, capture_output=True, text=True, timeout=900)
    if p.returncode != 0:
        sys.stderr.write(p.stdout[-3000:] + p.stderr[-3000:])
        raise RuntimeError("LAMMPS failed (exit %d)" % p.returncode)
    rows = [ln.split()[1:] for ln in p.stdout.splitlines() if ln.startswith("RES ")]
    r = np.array([[float(v) for v in row] for row in rows])
    assert len(r) == n + 1 and np.all(r[:, 0] == np.arange(n + 1)), "LAMMPS loop printed %d rows" % len(r)
    out = {"pe": r[:, 1], "sigma": -r[:, 2:8] / 1e4}
    if dumps:
        def load(tag, k):
            return np.loadtxt(os.path.join(workdir, f"{tag}_{k}.dump"), skiprows=9)[:, 1:4]
        out["affine"] = np.array([load("aff", k) for k in range(n + 1)])
        out["minimised"] = np.array([load("min", k) for k in range(n + 1)])
    return out


AQS_COLS = ["increment", "strain", "step", "sxx", "syy", "szz", "sxy", "sxz", "syz", "von_mises", "pe",
            "iterations", "converged", "nonaffine_max"]
AV_COLS = ["increment", "strain", "stress_drop", "energy_drop", "energy_drop_per_atom", "moved_atoms",
           "moved_fraction", "nonaffine_max"]


def read_table(path):
    """An AQS table -> dict of numpy arrays by column name (unit dropped);
    the header is checked against the documented columns."""
    with open(path) as f:
        header = f.readline().strip().split(",")
    names = [h.split("[")[0] for h in header]
    assert names in (AQS_COLS, AV_COLS), f"{path}: unexpected header {header}"
    data = np.loadtxt(path, delimiter=",", skiprows=1, ndmin=2)
    if data.size == 0:
        data = np.zeros((0, len(names)))
    return {nm: data[:, k] for k, nm in enumerate(names)}


def lammps_drops(sigma, pe, comp_index, threshold):
    """Increments k >= 1 where the conjugate stress fell by more than
    threshold (GPa): list of (k, drop GPa, energy drop eV)."""
    s = sigma[:, comp_index]
    return [(k, s[k - 1] - s[k], pe[k - 1] - pe[k]) for k in range(1, len(s)) if s[k - 1] - s[k] > threshold]
