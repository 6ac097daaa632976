#!/usr/bin/python3
"""edit-vs-lammps: mgmd's system-editing commands (replicate, delete_atoms,
displace_atoms, change_box, region, group, write_data) against LAMMPS.

Every case runs the same edit in both codes on the same input, writes the
result with write_data and compares the two data files atom by atom (by id).
mgmd runs every case on 1 and on 3 MPI ranks; LAMMPS on 1 process, atoms in
data-file order and never sorted by a run before the edit (where the order
matters, see check 2).  A code that exits non-zero is a failed check, printed
with the tail of its output (the other cases still run, and the test exits
1): a comparison with a code that did not run proves nothing.

The comparison of two data files ("same state"):
- ids: the same set, exactly; types equal atom by atom.
- box: lo, hi and the tilts xy xz yz within TOL_X = 1e-10 A.
- positions: the unwrapped positions x + H.image (H the box's edge vectors)
  within TOL_X, and the wrapped positions within TOL_X for every atom whose
  image flags agree.  An atom whose image flags differ must be one that sits
  on a periodic face (fractional coordinate within TOL_X/L of 0 or 1): two
  codes that round the last bit differently may wrap it to opposite faces,
  one period apart, and then its unwrapped position is the one to compare.
  Why 1e-10 A: both codes do the same few double-precision operations per
  atom (unwrap, shift, scale to fractional coordinates and back, a
  rotation), each exact to ~1 ulp of a coordinate of at most ~60 A, i.e.
  ~1e-14 A; in practice they agree to 0 .. 2e-14 A.  1e-10 A leaves four
  orders of magnitude for a different but equally correct operation order,
  while a wrong rule (a wrong shift, scale centre, rotation sense, a missed
  image flag, a tilt applied to the wrong coordinate) moves atoms by
  0.01 A to a box length.
- velocities: equal to 1e-12 A/ps relative (these edits copy them; both
  codes read and write 17 significant digits, so they come out bit-equal).

Checks:
1. replicate 2 2 2 of cuzr-glass (orthogonal) and cuzr-triclinic:
   - the potential energy per atom (eam/fs CuZr_mm, `run 0`) of the 4000-atom
     copy equals the 500-atom original's to TOL_PE_REL = 1e-12 relative.
     Every atom of the copy has exactly the environment of its original, so
     E_8N = 8 E_N up to round-off only: the same per-atom terms summed in a
     different neighbour order (a few ulp each) and 8x as many of them added
     into the total.  All per-atom energies have one sign, so the running sum
     of N terms has a relative error of at most ~N eps = 4000 x 1.1e-16 =
     4.4e-13 (measured 4e-16 .. 7e-15); 1e-12 is above that bound.  A lost
     or doubled atom (a vacancy costs ~1 eV: 2.5e-4 eV/atom, relative 6e-5),
     a copy misplaced by a fraction of an Angstrom, or a neighbour missed
     across a new face shifts it by orders of magnitude more.
   - ids, types, positions, image flags, velocities and box equal LAMMPS'
     replicate (same state, above): ids exactly (LAMMPS' id + M k rule),
     positions to 1e-10 A.
2. delete_atoms overlap: cuzr-glass plus 20 atoms, each put 0.3-0.6 A from
   a distinct randomly chosen atom (5 of them through a periodic face, so
   that the pair straddles it), written sorted by id, the new atoms ids
   501-520.  The input is checked to be 20 isolated pairs: apart from its
   partner, every atom's nearest neighbour is >= 1.5 A away (no chains, for
   which LAMMPS' one-after-the-other rule and mgmd's simultaneous rule
   differ).
   - `delete_atoms overlap 1.0 all all compress no`: the same ids go in both
     codes, and they are the 20 partners (of a pair that could go either
     way the lower id goes; in LAMMPS the first in local order = file order
     = lower id inside the box, the lower id across a face).
   - `delete_atoms overlap 1.0 new old` (new = ids 501-520, old = 1-500): the
     same ids go in both codes, and they are the 20 new atoms although their
     ids are the higher ones (the atom in the first group goes).
   Also the surviving states are the same (above).
3. displace_atoms and change_box on the same input in both codes (same
   state, above):
   - move 3.7 -12.3 25.1 (25.1 A > Lz = 20.1 A: every atom crosses a z face,
     so every atom's image flags change; checked);
   - ramp x -1.5 2.5 y 4 16 (clamped outside 4 < y < 16);
   - rotate by 37 degrees about the axis through (10, 10, 10) along (1,2,3),
     on the group of a sphere region (radius 7 about the box centre, not
     crossing a face: LAMMPS regions see no periodic images, mgmd's do);
   - change_box: `x scale 1.1 y final 0 30 remap` (one map) and `x scale 1.1
     remap y final 0 30 remap` (two), `triclinic xy final 2.0 remap`,
     `boundary p p f z delta -2 2 remap` (z image flags reset to 0),
     `G x scale 1.05 remap` for a group G (only G remapped);
   - on cuzr-triclinic: move, `xy delta 1.5 yz final -2.0 x scale 0.95
     remap`, and tilts to 0 then `ortho remap`.
   Positions and box to 1e-10 A, for the reasons above.
4. The wire: cuzr-glass replicated 2x2x2, `region wire cylinder z 20 20 14
   INF INF side out`, `delete_atoms region wire`, `change_box all x final -5
   45 y final -5 45 boundary f f p`, write_data: the same atom ids as LAMMPS
   (and some atoms kept, some deleted), positions and box to 1e-10 A, x and y
   image flags 0.  The cylinder (x, y in 6..34) does not reach the box faces
   (-0.05 and 40.15), so mgmd's periodic images of it select nothing more.

Usage: edit_vs_lammps.py [--lmp LMP] [--mgmd MGMD] [--keep DIR]
(defaults: $LMP or lmp; $MGMD or build/mgmd).  Run time ~20 s (2 cores):
32 mgmd runs (half on 3 ranks under mpirun) and 16 LAMMPS runs.
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import mgmdtest as mt  # noqa: E402

GLASS = os.path.join(mt.DATA, "cuzr-glass.data")
TRICLINIC = os.path.join(mt.DATA, "cuzr-triclinic.data")
RANKS = (None, 3)           # mgmd: 1 rank (no mpirun), 3 ranks
TOL_X = 1e-10               # A: positions, box bounds, tilts
TOL_V_REL = 1e-12           # velocities, relative to the largest speed
TOL_PE_REL = 1e-12          # PE per atom of the replica vs the original
OVERLAP_CUT = 1.0           # A
N_EXTRA, N_ACROSS = 20, 5   # overlap partners, of them across a face
ISOLATION = 1.5             # A: next-nearest distance required in the input

checks = mt.Checks()
ARGS = None


def ranks_name(np_):
    return "1 rank" if np_ is None else "%d ranks" % np_


# --- running the codes -------------------------------------------------------

class CodeFailed(Exception):
    """A code exited non-zero: reported as a failed check (with its output)."""


def run_code(who, cmd, wd):
    p = subprocess.run(cmd, cwd=wd, capture_output=True, text=True, timeout=300)
    if p.returncode != 0:
        sys.stdout.write("---- %s output (tail) ----\n%s%s---- end of %s output ----\n"
                         % (who, p.stdout[-3000:], p.stderr[-3000:], who))
        raise CodeFailed("%s exited %d (%s in %s)" % (who, p.returncode, " ".join(cmd), wd))
    return p


def run_lammps(deck, wd):
    os.makedirs(wd, exist_ok=True)
    with open(os.path.join(wd, "in.lammps"), "w") as f:
        f.write(deck)
    return run_code("LAMMPS", [ARGS.lmp, "-in", "in.lammps", "-log", "log.lammps", "-nocite"], wd)


def run_mgmd(deck, wd, np_):
    os.makedirs(wd, exist_ok=True)
    with open(os.path.join(wd, "in.deck"), "w") as f:
        f.write(deck)
    return run_code("mgmd on " + ranks_name(np_), mt.mpi_prefix(np_) + [mt.mgmd_binary(), "in.deck"], wd)


LAMMPS_HEAD = """units metal
atom_style atomic
atom_modify map array
boundary p p p
read_data {data}
"""
MGMD_HEAD = """units metal
boundary p p p
read_data {data}
"""


def mgmd_dir(wd, name, np_):
    return os.path.join(wd, name, "mgmd-np%d" % (np_ or 1))


def both(name, data, lammps_body, mgmd_body, wd, label=None, ranks=RANKS):
    """The same edit in both codes (body text after read_data, ending before
    write_data). Returns (LAMMPS state, {np: mgmd state}); a code that
    fails is a failed check, and its state is left out (LAMMPS: None).
    name: the case's directory; label: its name in messages (default name)."""
    label = label or name
    lw = os.path.join(wd, name, "lammps")
    ref = None
    try:
        run_lammps(LAMMPS_HEAD.format(data=data) + lammps_body + "write_data out.data nocoeff\n", lw)
        ref = mt.read_data(os.path.join(lw, "out.data"))
    except CodeFailed as e:
        checks.named("%s: LAMMPS ran" % label, False, e)
    got = {}
    for np_ in ranks:
        mw = mgmd_dir(wd, name, np_)
        try:
            run_mgmd(MGMD_HEAD.format(data=data) + mgmd_body + "write_data out.data\n", mw, np_)
            got[np_] = mt.read_data(os.path.join(mw, "out.data"))
        except CodeFailed as e:
            checks.named("%s: mgmd on %s ran" % (label, ranks_name(np_)), False, e)
    return ref, got


# --- comparing two states ----------------------------------------------------

def box_matrix(d):
    L = d["hi"] - d["lo"]
    xy, xz, yz = d["tilt"]
    return np.array([[L[0], xy, xz], [0, L[1], yz], [0, 0, L[2]]])


def same_state(name, ref, got, periodic="ppp"):
    """Check that mgmd's state `got` is LAMMPS' `ref` (see the docstring)."""
    if ref is None:  # LAMMPS failed: already a failed check
        return
    if len(ref["id"]) != len(got["id"]) or not np.array_equal(ref["id"], got["id"]):
        only_l = sorted(set(ref["id"]) - set(got["id"]))
        only_m = sorted(set(got["id"]) - set(ref["id"]))
        checks.named("%s: same atom ids (%d LAMMPS, %d mgmd)" % (name, len(ref["id"]), len(got["id"])), False,
                     "only in LAMMPS %s, only in mgmd %s" % (only_l[:10], only_m[:10]))
        return
    checks.named("%s: same %d atom ids" % (name, len(ref["id"])), True)
    ntype = int(np.sum(ref["type"] != got["type"]))
    dbox = max(np.abs(ref["lo"] - got["lo"]).max(), np.abs(ref["hi"] - got["hi"]).max(),
               np.abs(ref["tilt"] - got["tilt"]).max())
    checks.named("%s: box and types: |d lo,hi,tilt| %.1e A (tol %g), %d types differ" % (name, dbox, TOL_X, ntype),
                 dbox <= TOL_X and ntype == 0,
                 "LAMMPS lo %s hi %s tilt %s; mgmd lo %s hi %s tilt %s" % (
                     ref["lo"], ref["hi"], ref["tilt"], got["lo"], got["hi"], got["tilt"]))
    du = np.abs(mt.unwrapped(ref) - mt.unwrapped(got)).max()
    same_img = np.all(ref["image"] == got["image"], axis=1)
    dx = np.abs(ref["x"][same_img] - got["x"][same_img]).max() if same_img.any() else 0.0
    # Atoms wrapped to opposite faces: must sit on a periodic face.
    H = box_matrix(got)
    lam = np.linalg.solve(H, (got["x"] - got["lo"]).T).T
    L = got["hi"] - got["lo"]
    bad = []
    for k in np.nonzero(~same_img)[0]:
        for d in range(3):
            if ref["image"][k, d] == got["image"][k, d]:
                continue
            on_face = min(abs(lam[k, d]), abs(lam[k, d] - 1.0)) * L[d] <= TOL_X
            if periodic[d] != "p" or not on_face:
                bad.append(int(got["id"][k]))
    nface = int(np.sum(~same_img))
    worst = int(np.argmax(np.abs(mt.unwrapped(ref) - mt.unwrapped(got)).max(axis=1)))
    checks.named("%s: positions: unwrapped max |d| %.1e A, wrapped %.1e A (tol %g); image flags differ for %d "
                 "atom(s) on a face" % (name, du, dx, TOL_X, nface),
                 du <= TOL_X and dx <= TOL_X and not bad,
                 "worst atom id %d: LAMMPS x %s image %s, mgmd x %s image %s; image flags differ off a face for "
                 "ids %s" % (ref["id"][worst], ref["x"][worst], ref["image"][worst], got["x"][worst],
                             got["image"][worst], bad[:10]))
    if "v" in ref and "v" in got:
        vmax = max(np.abs(ref["v"]).max(), 1e-300)
        dv = np.abs(ref["v"] - got["v"]).max() / vmax
        checks.named("%s: velocities: max |d| / max |v| %.1e (tol %g)" % (name, dv, TOL_V_REL), dv <= TOL_V_REL)
    elif "v" in ref or "v" in got:
        checks.named("%s: both data files have velocities" % name, False)


# --- 1. replicate --------------------------------------------------------------

def check_replicate(wd):
    for label, data in (("orthogonal glass", GLASS), ("triclinic liquid", TRICLINIC)):
        body_m = ("potential eam/fs CuZr_mm.eam.fs Cu Zr\n"
                  "thermo every 1 file before.csv\nrun 0\n"
                  "replicate 2 2 2\n"
                  "thermo every 1 file after.csv\nrun 0\n")
        ref, got = both("replicate-" + label.split()[0], data, "replicate 2 2 2\n", body_m, wd,
                        "replicate 2 2 2 " + label)
        n0 = mt.read_data(data)["id"].size
        for np_, st in got.items():
            mw = mgmd_dir(wd, "replicate-" + label.split()[0], np_)
            e0 = mt.read_thermo(os.path.join(mw, "before.csv"))["pe"][0] / n0
            e1 = mt.read_thermo(os.path.join(mw, "after.csv"))["pe"][0] / st["id"].size
            rel = abs(e1 - e0) / abs(e0)
            checks.named("replicate 2 2 2 %s, mgmd %s: PE/atom %.15f (%d atoms) vs %.15f (%d): relative %.1e "
                         "(tol %g)" % (label, ranks_name(np_), e1, st["id"].size, e0, n0, rel, TOL_PE_REL),
                         rel <= TOL_PE_REL and st["id"].size == 8 * n0)
            same_state("replicate 2 2 2 %s, mgmd %s vs LAMMPS" % (label, ranks_name(np_)), ref, st)


# --- 2. delete_atoms overlap ---------------------------------------------------

def min_image(dv, L):
    return dv - L * np.round(dv / L)


def make_overlap_input(path):
    """cuzr-glass + N_EXTRA atoms, each 0.3-0.6 A from a distinct original
    atom (N_ACROSS of them through a face); returns (partner ids, new ids)."""
    d = mt.read_data(GLASS)
    lo, hi = d["lo"], d["hi"]
    L = hi - lo
    rng = np.random.default_rng(20240611)
    x = d["x"]
    n = len(x)
    chosen, new_x = [], []
    face = np.minimum(x - lo, hi - x)           # distance to the nearer face, per dimension

    def place(k, across):
        """A new atom 0.3-0.6 A from atom k (pushed out through k's nearest
        face if across); None unless it is isolated (and across as asked)."""
        if any(np.linalg.norm(min_image(x[k] - x[c], L)) < 4.0 for c in chosen):
            return None
        r = rng.uniform(0.3, 0.6)
        u = rng.normal(size=3)
        if across:
            dd = int(np.argmin(face[k]))
            u[dd] = (-1.0 if x[k][dd] - lo[dd] < hi[dd] - x[k][dd] else 1.0) * (abs(u[dd]) + 3.0)
        u /= np.linalg.norm(u)
        p = x[k] + r * u
        crossed = np.any((p < lo) | (p >= hi))
        p = lo + np.mod(p - lo, L)
        dist = np.linalg.norm(min_image(x - p, L), axis=1)
        dist[k] = np.inf
        if dist.min() < ISOLATION or crossed != across:
            return None
        return p

    order = rng.permutation(n)
    for k in [k for k in order if face[k].min() < 0.2]:
        if len(chosen) == N_ACROSS:
            break
        p = place(k, True)
        if p is not None:
            chosen.append(k)
            new_x.append(p)
    for k in order:
        if len(chosen) == N_EXTRA:
            break
        if k in chosen:
            continue
        p = place(k, False)
        if p is not None:
            chosen.append(k)
            new_x.append(p)
    assert len(chosen) == N_EXTRA, "could not place %d isolated overlapping atoms" % N_EXTRA
    new_x = np.array(new_x)
    ids = np.concatenate([d["id"], np.arange(n + 1, n + N_EXTRA + 1)])
    types = np.concatenate([d["type"], rng.integers(1, 3, N_EXTRA)])
    xx = np.vstack([x, new_x])
    img = np.vstack([d["image"], np.zeros((N_EXTRA, 3), int)])
    vv = np.vstack([d["v"], np.zeros((N_EXTRA, 3))])
    with open(path, "w") as f:
        f.write("cuzr-glass + %d atoms 0.3-0.6 A from %d of its atoms (edit_vs_lammps.py)\n\n" % (N_EXTRA, N_EXTRA))
        f.write("%d atoms\n2 atom types\n\n" % len(ids))
        for q, nm in enumerate("xyz"):
            f.write("%.17g %.17g %slo %shi\n" % (lo[q], hi[q], nm, nm))
        f.write("\nMasses\n\n1 %.17g\n2 %.17g\n\nAtoms # atomic\n\n" % (d["masses"][1], d["masses"][2]))
        for k in range(len(ids)):
            f.write("%d %d %.17g %.17g %.17g %d %d %d\n" % (ids[k], types[k], *xx[k], *img[k]))
        f.write("\nVelocities\n\n")
        for k in range(len(ids)):
            f.write("%d %.17g %.17g %.17g\n" % (ids[k], *vv[k]))
    # Isolated pairs: every atom's nearest is its partner (< cut) or >= ISOLATION.
    dm = np.linalg.norm(min_image(xx[:, None, :] - xx[None, :, :], L), axis=2)
    np.fill_diagonal(dm, np.inf)
    close = dm < OVERLAP_CUT
    pairs_ok = close.sum(axis=1)
    partners = set(int(d["id"][k]) for k in chosen)
    in_pair = set(int(ids[k]) for k in np.nonzero(pairs_ok)[0])
    second = np.sort(dm, axis=1)[:, 1]
    first = np.sort(dm, axis=1)[:, 0]
    across = sum(1 for j, k in enumerate(chosen) if np.linalg.norm(new_x[j] - x[k]) > 1.0)
    ok = (pairs_ok.max() == 1 and in_pair == partners | set(range(n + 1, n + N_EXTRA + 1))
          and second[pairs_ok == 1].min() >= ISOLATION and first[pairs_ok == 0].min() >= ISOLATION
          and across == N_ACROSS)
    checks.named("overlap input: %d isolated pairs at %.2f-%.2f A (%d across a periodic face); next-nearest "
                 "distance %.2f A, nearest of the other atoms %.2f A (need >= %g)"
                 % (N_EXTRA, first[pairs_ok == 1].min(), first[pairs_ok == 1].max(), across,
                    second[pairs_ok == 1].min(), first[pairs_ok == 0].min(), ISOLATION), ok)
    return partners, set(range(n + 1, n + N_EXTRA + 1))


def check_overlap(wd):
    data = os.path.join(wd, "overlap.data")
    partners, new = make_overlap_input(data)
    nall = 500 + N_EXTRA
    groups = "group new id %d:%d\ngroup old id 1:500\n" % (501, nall)
    for label, gg, expect, why in (("all all", "all all", partners, "the partners (lower ids)"),
                                   ("new old", "new old", new, "the new atoms (higher ids)")):
        cmd = "delete_atoms overlap %g %s compress no\n" % (OVERLAP_CUT, gg)
        ref, got = both("overlap-" + gg.replace(" ", "-"), data,
                        "pair_style zero 3.0\npair_coeff * *\n" + groups + cmd, groups + cmd, wd, cmd.strip())
        if ref is None:
            continue
        gone_l = set(range(1, nall + 1)) - set(int(i) for i in ref["id"])
        checks.named("delete_atoms overlap %g %s, LAMMPS: %d deleted, %s" % (OVERLAP_CUT, label, len(gone_l), why),
                     gone_l == expect, "deleted %s" % sorted(gone_l))
        for np_, st in got.items():
            gone_m = set(range(1, nall + 1)) - set(int(i) for i in st["id"])
            checks.named("delete_atoms overlap %g %s, mgmd %s: deletes the same %d ids as LAMMPS"
                         % (OVERLAP_CUT, label, ranks_name(np_), len(gone_m)),
                         gone_m == gone_l, "mgmd only %s, LAMMPS only %s" % (
                             sorted(gone_m - gone_l), sorted(gone_l - gone_m)))
            same_state("delete_atoms overlap %s, mgmd %s vs LAMMPS" % (label, ranks_name(np_)), ref, st)


# --- 3. displace_atoms and change_box -----------------------------------------

BALL = "region ball sphere 10 10 10 7 units box\ngroup ball region ball\n"
EDITS = [
    # (name, input, LAMMPS and mgmd body, periodicity after)
    ("displace move", GLASS, "displace_atoms all move 3.7 -12.3 25.1 units box\n", "ppp"),
    ("displace ramp", GLASS, "displace_atoms all ramp x -1.5 2.5 y 4 16 units box\n", "ppp"),
    ("displace rotate 37 deg (sphere group)", GLASS,
     BALL + "displace_atoms ball rotate 10 10 10 1 2 3 37 units box\n", "ppp"),
    ("change_box x scale 1.1 y final 0 30 remap", GLASS,
     "change_box all x scale 1.1 y final 0 30 remap units box\n", "ppp"),
    ("change_box x scale 1.1 remap y final 0 30 remap", GLASS,
     "change_box all x scale 1.1 remap y final 0 30 remap units box\n", "ppp"),
    ("change_box triclinic xy final 2.0 remap", GLASS,
     "change_box all triclinic xy final 2.0 remap units box\n", "ppp"),
    ("change_box boundary p p f z delta -2 2 remap", GLASS,
     "change_box all boundary p p f z delta -2 2 remap units box\n", "ppf"),
    ("change_box (sphere group) x scale 1.05 remap", GLASS,
     BALL + "change_box ball x scale 1.05 remap units box\n", "ppp"),
    ("triclinic: displace move", TRICLINIC, "displace_atoms all move -7.3 4.1 23.9 units box\n", "ppp"),
    ("triclinic: change_box xy delta 1.5 yz final -2.0 x scale 0.95 remap", TRICLINIC,
     "change_box all xy delta 1.5 yz final -2.0 x scale 0.95 remap units box\n", "ppp"),
    ("triclinic: change_box tilts 0 ortho remap", TRICLINIC,
     "change_box all xy final 0 xz final 0 yz final 0 ortho remap units box\n", "ppp"),
]


def check_edits(wd):
    for k, (name, data, body, per) in enumerate(EDITS):
        ref, got = both("edit%02d" % k, data, body, body, wd, name)
        if ref is None:
            continue
        orig = mt.read_data(data)
        moved = np.abs(mt.unwrapped(ref) - mt.unwrapped(orig)).max(axis=1) > 1e-6
        for np_, st in got.items():
            same_state("%s (%d atoms moved), mgmd %s vs LAMMPS" % (name, int(moved.sum()), ranks_name(np_)),
                       ref, st, per)
        if k == 0:
            ch = int(np.sum(np.any(ref["image"] != orig["image"], axis=1)))
            checks.named("displace move: image flags changed for %d of %d atoms" % (ch, len(ref["id"])), ch > 0)


# --- 4. the wire -----------------------------------------------------------------

WIRE = """replicate 2 2 2
region wire cylinder z 20 20 14 INF INF side out units box
delete_atoms region wire {compress}
change_box all x final -5 45 y final -5 45 boundary f f p units box
"""


def check_wire(wd):
    ref, got = both("wire", GLASS, WIRE.format(compress="compress no"), WIRE.format(compress=""), wd, "wire")
    if ref is None:
        return
    n = len(ref["id"])
    checks.named("wire: LAMMPS keeps %d of 4000 atoms (expect ~ pi 14^2 / 40.2^2 x 4000 = %.0f)"
                 % (n, np.pi * 14 ** 2 / 40.195 ** 2 * 4000), 1000 < n < 2000)
    for np_, st in got.items():
        same_state("wire, mgmd %s vs LAMMPS" % ranks_name(np_), ref, st, "ffp")
        nz = int(np.sum(st["image"][:, :2] != 0))
        checks.named("wire, mgmd %s: x, y image flags all 0 (non-periodic)" % ranks_name(np_), nz == 0)


def main():
    global ARGS
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--lmp", default=os.environ.get("LMP", "lmp"))
    ap.add_argument("--mgmd", default=None, help="mgmd executable (default $MGMD, else build/mgmd)")
    ap.add_argument("--keep", metavar="DIR", help="work in DIR and keep it")
    ARGS = ap.parse_args()
    if ARGS.mgmd:
        os.environ["MGMD"] = os.path.abspath(ARGS.mgmd)
    if not shutil.which(ARGS.lmp):
        raise RuntimeError("LAMMPS executable '%s' not found" % ARGS.lmp)
    if not os.access(mt.mgmd_binary(), os.X_OK):
        raise RuntimeError("mgmd executable '%s' not found" % mt.mgmd_binary())
    t0 = time.time()
    if ARGS.keep:
        os.makedirs(ARGS.keep, exist_ok=True)
        wd, tmp = os.path.abspath(ARGS.keep), None
    else:
        tmp = tempfile.TemporaryDirectory(prefix="edit-vs-lammps-")
        wd = tmp.name
    try:
        print("== 1. replicate")
        check_replicate(wd)
        print("== 2. delete_atoms overlap")
        check_overlap(wd)
        print("== 3. displace_atoms, change_box")
        check_edits(wd)
        print("== 4. the wire")
        check_wire(wd)
    finally:
        if tmp:
            tmp.cleanup()
    print("run time %.1f s" % (time.time() - t0))
    checks.finish()


if __name__ == "__main__":
    main()
