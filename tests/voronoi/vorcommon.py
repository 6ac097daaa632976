"""Helpers of the Voronoi tests: run mgmd's `voronoi` observer and read its
per-atom dump columns and CSV tables; independent references from the
Voro++ command-line tool (`voro++`) and LAMMPS' `compute voronoi/atom`.
Standard library + numpy only."""
import csv
import os
import shutil
import subprocess
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import mgmdtest as mt  # noqa: E402

POT = "/usr/share/lammps/potentials/CuZr_mm.eam.fs"
CU_POT = "/usr/share/lammps/potentials/Cu_u3.eam"
RADII = {1: 1.28, 2: 1.60}  # A, Cu and Zr (types 1 and 2 of the fixtures)
COLS = ["n3", "n4", "n5", "n6", "n7", "nmax", "cn", "vol", "surface"]

CHECKS = mt.Checks()
check = CHECKS.check  # check(ok, message): the shared tally (tests/mgmdtest.py)


def finish():
    """Exit 1 if a check failed (keeping the work folders), else clean up."""
    if CHECKS.summary():
        sys.exit(1)
    cleanup()


def workdir(name):
    d = os.path.join(os.environ.get("MGMD_TEST_TMP", "/tmp"), "mgmd-voronoi-%d" % os.getpid(), name)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    return d


def cleanup():
    if not CHECKS.failed:
        shutil.rmtree(os.path.join(os.environ.get("MGMD_TEST_TMP", "/tmp"), "mgmd-voronoi-%d" % os.getpid()),
                      ignore_errors=True)


def read_dump(path):
    """Last frame of a LAMMPS text dump -> dict column -> array, sorted by id."""
    with open(path) as f:
        lines = f.read().split("\n")
    start = max(k for k, l in enumerate(lines) if l.startswith("ITEM: ATOMS"))
    names = lines[start].split()[2:]
    rows = [l.split() for l in lines[start + 1:] if l.strip()]
    a = np.array(rows, dtype=float)
    a = a[np.argsort(a[:, names.index("id")])]
    out = {n: a[:, k] for k, n in enumerate(names)}
    out["id"] = out["id"].astype(np.int64)
    return out


def read_csv(path):
    with open(path) as f:
        return list(csv.DictReader(f))


def run_voronoi(wd, setup, observers, np_=None, extra="", analyze=False):
    """Run mgmd on `setup` (lines that create the system and choose a
    potential), define each (name, options) observer, sampled at every step
    of a `run 0` (or, with analyze, by `analyze NAME` before it), and dump
    every column at step 0. Returns ({name: {col: array}}, stdout)."""
    lines = [setup.strip()]
    for name, opts in observers:
        lines.append("voronoi %s %s %s" % (name, "" if analyze else "every 1", opts))
        if analyze:
            lines.append("analyze " + name)
        cols = ["id", "type", "x", "y", "z"] + ["%s_%s" % (name, c) for c in COLS]
        lines.append("dump d_%s every 1 file %s.dump precision 17 columns %s" % (name, name, " ".join(cols)))
    lines.append(extra)
    lines.append("run 0")
    p = mt.run_mgmd("\n".join(lines) + "\n", wd, np_=np_)
    res = {}
    for name, _ in observers:
        d = read_dump(os.path.join(wd, name + ".dump"))
        r = {c: d["%s_%s" % (name, c)] for c in COLS}
        r["id"], r["type"] = d["id"], d["type"].astype(int)
        r["x"] = np.stack([d["x"], d["y"], d["z"]], axis=1)
        res[name] = r
    return res, p.stdout


def glass_setup(data, boundary="p p p"):
    return "boundary %s\nread_data %s\npotential eam/fs %s Cu Zr\n" % (boundary, data, POT)


def index_of(r, k):
    """Voronoi index row (n3, n4, n5, n6, n7+) of atom k of result r."""
    return tuple(int(r[c][k]) for c in ["n3", "n4", "n5", "n6", "n7"])


def check_tables(label, wd, name, r):
    """The CSV tables of observer `name` agree with its per-atom columns:
    counts, icosahedral fractions, mean volumes and CNs of interior atoms by
    element (types 1 = Cu, 2 = Zr), and the top-10 motif table."""
    summ = read_csv(os.path.join(wd, name + "_summary.csv"))[-1]
    n = len(r["id"])
    inner = r["surface"] == 0
    check(int(summ["atoms"]) == n and int(summ["surface"]) == n - inner.sum() and int(summ["N_all"]) == inner.sum(),
          "%s: summary counts %s atoms, %s surface" % (label, summ["atoms"], summ["surface"]))
    ico = np.array([index_of(r, k) == (0, 0, 12, 0, 0) for k in range(n)])
    for t, el in ((1, "Cu"), (2, "Zr")):
        sel = (r["type"] == t) & inner
        check(abs(float(summ["ico_" + el]) - ico[sel].mean()) < 1e-9 and
              abs(float(summ["vol_%s[A^3]" % el]) - r["vol"][sel].mean()) < 1e-8 * r["vol"][sel].mean() and
              abs(float(summ["cn_" + el]) - r["cn"][sel].mean()) < 1e-9 * r["cn"][sel].mean(),
              "%s: summary ico/vol/cn of interior %s match the per-atom columns" % (label, el))
    pcn = float(summ["cn_Cu_Cu"]) + float(summ["cn_Cu_Zr"])
    check(abs(pcn - float(summ["cn_Cu"])) < 1e-9 * pcn, "%s: partial CN Cu-Cu + Cu-Zr = CN of Cu" % label)
    rows = read_csv(os.path.join(wd, name + "_motifs.csv"))
    counts = {}
    for k in np.where(inner)[0]:
        for g in ("all", "Cu" if r["type"][k] == 1 else "Zr"):
            key = (g, index_of(r, k))
            counts[key] = counts.get(key, 0) + 1
    ok = len(rows) > 0
    for row in rows:
        key = (row["element"], tuple(int(row[c]) for c in ["n3", "n4", "n5", "n6", "n7"]))
        ok &= counts.get(key, -1) == int(row["count"])
        ok &= abs(float(row["fraction"]) - int(row["count"]) / float(summ["N_" + row["element"]])) < 1e-9
    tops = sorted((c for (g, _), c in counts.items() if g == "all"), reverse=True)[:10]
    got = [int(row["count"]) for row in rows if row["element"] == "all"]
    check(ok and got == tops, "%s: motif table = top 10 indices per element of interior atoms, counts exact" % label)


# ---- Voro++ command-line tool -----------------------------------------------

def voro_cli(wd, ids, x, lo, hi, periodic=(False, False, False), radii=None, tag="v", walls=()):
    """Run `voro++` on the points; returns {id: dict(vol, nfaces, freq,
    neigh, orders)} where freq is the face-order frequency table (%A), neigh
    the neighbour ids (walls negative) and orders each face's edge count."""
    path = os.path.join(wd, tag + ".pts")
    with open(path, "w") as f:
        for k in range(len(ids)):
            f.write("%d %.17g %.17g %.17g" % (ids[k], x[k, 0], x[k, 1], x[k, 2]))
            f.write(" %.17g\n" % radii[k] if radii is not None else "\n")
    cmd = ["voro++", "-c", "%i %v %s | %A | %n | %a"]
    for d, p in zip("xyz", periodic):
        if p:
            cmd.append("-p" + d)
    if radii is not None:
        cmd.append("-r")
    for w in walls:  # (nx, ny, nz, offset): inside n . x < offset; ids -7, -8, ...
        cmd += ["-wp"] + ["%.17g" % v for v in w]
    cmd += ["%.17g" % v for pair in zip(lo, hi) for v in pair] + [path]
    subprocess.run(cmd, check=True, cwd=wd, capture_output=True)
    out = {}
    with open(path + ".vol") as f:
        for line in f:
            head, freq, neigh, orders = line.split("|")
            i, vol, nf = head.split()
            freq = [int(v) for v in freq.split()]
            out[int(i)] = {"vol": float(vol), "nfaces": int(nf), "freq": freq,
                           "neigh": [int(v) for v in neigh.split()], "orders": [int(v) for v in orders.split()]}
    return out


def freq_index(freq):
    """(n3, n4, n5, n6, n7+) from a %A frequency table."""
    f = list(freq) + [0] * 8
    return (f[3], f[4], f[5], f[6], sum(f[7:]))


def box_matrix(d):
    """H (columns: edge vectors a, b, c) of a data-file dict."""
    L = d["hi"] - d["lo"]
    xy, xz, yz = d["tilt"]
    return np.array([[L[0], xy, xz], [0, L[1], yz], [0, 0, L[2]]])


def images(d, margin, periodic=(True, True, True)):
    """Atoms of a data-file dict plus their periodic images (along the
    periodic dimensions) within `margin` of the box, Cartesian. Returns (ids,
    types, x, is_original, lo, hi); image ids are offset by multiples of
    10^6; lo, hi bound the points with 5 A to spare."""
    H = box_matrix(d)
    Hinv = np.linalg.inv(H)
    lam = (d["x"] - d["lo"]) @ Hinv.T
    lam -= np.floor(lam) * np.array(periodic)
    fd = 1.0 / np.linalg.norm(Hinv, axis=1)
    ml = margin / fd
    ids, types, xs, orig = [], [], [], []
    k = 0
    r = [(-1, 0, 1) if p else (0,) for p in periodic]
    for s in [(i, j, l) for i in r[0] for j in r[1] for l in r[2]]:
        ls = lam + np.array(s)
        keep = np.all((ls > -ml) & (ls < 1 + ml), axis=1)
        if s == (0, 0, 0):
            keep[:] = True
        ids.append(d["id"][keep] + (0 if s == (0, 0, 0) else 1000000 * (k + 1)))
        types.append(d["type"][keep])
        xs.append(ls[keep] @ H.T + d["lo"])
        orig.append(np.full(keep.sum(), s == (0, 0, 0)))
        k += 1
    x = np.concatenate(xs)
    lo, hi = x.min(axis=0) - 5.0, x.max(axis=0) + 5.0
    return np.concatenate(ids), np.concatenate(types), x, np.concatenate(orig), lo, hi


# ---- LAMMPS -------------------------------------------------------------------

def lammps_binary():
    exe = os.environ.get("MGMD_LAMMPS") or shutil.which("lmp")
    return exe if exe and os.path.exists(exe) else None


def lammps_voronoi(wd, data, boundary="p p p", ghost=14.0, thresholds=""):
    """compute voronoi/atom (plain and radical with RADII) on a data file.
    Returns {"plain": {id: (vol, nfaces)}, "radical": {...}} and the edge
    histogram vector of a third compute with `thresholds` if given."""
    rvar = '"' + "+".join("(type==%d)*%r" % (t, r) for t, r in RADII.items()) + '"'
    text = f"""units metal
atom_style atomic
boundary {boundary}
read_data {data}
pair_style zero 6.0
pair_coeff * *
comm_modify cutoff {ghost}
variable r atom {rvar}
compute v all voronoi/atom
compute vr all voronoi/atom radius v_r
"""
    if thresholds:
        text += f"compute vt all voronoi/atom edge_histo 12 {thresholds}\n"
        text += "fix h all ave/time 1 1 1 c_vt mode vector file hist.txt\n"
    text += """dump d all custom 1 lmp.dump id c_v[1] c_v[2] c_vr[1] c_vr[2]
dump_modify d format float %.17g sort id
"""
    if thresholds:
        text += "compute vtv all voronoi/atom " + thresholds + "\n"
        text += "dump t all custom 1 lmpt.dump id c_vtv[1] c_vtv[2]\ndump_modify t format float %.17g sort id\n"
    text += "run 0\n"
    with open(os.path.join(wd, "in.lammps"), "w") as f:
        f.write(text)
    p = subprocess.run([lammps_binary(), "-in", "in.lammps", "-log", "none", "-echo", "none"], cwd=wd,
                       capture_output=True, text=True, timeout=600)
    if p.returncode != 0:
        sys.stderr.write(p.stdout[-3000:] + p.stderr[-3000:])
        raise RuntimeError("LAMMPS failed (exit %d)" % p.returncode)
    d = read_dump(os.path.join(wd, "lmp.dump"))
    out = {"plain": {}, "radical": {}}
    for k, i in enumerate(d["id"]):
        out["plain"][int(i)] = (d["c_v[1]"][k], int(d["c_v[2]"][k]))
        out["radical"][int(i)] = (d["c_vr[1]"][k], int(d["c_vr[2]"][k]))
    if thresholds:
        t = read_dump(os.path.join(wd, "lmpt.dump"))
        out["thresh"] = {int(i): (t["c_vtv[1]"][k], int(t["c_vtv[2]"][k])) for k, i in enumerate(t["id"])}
        rows = [l.split() for l in open(os.path.join(wd, "hist.txt")) if l.strip() and not l.startswith("#")]
        out["hist"] = np.array([float(r[1]) for r in rows[1:]])  # rows[0]: "step nrows"
    return out
