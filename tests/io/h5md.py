#!/usr/bin/python3
"""H5MD trajectories (src/io/h5md.c) against the H5MD 1.1 specification, h5py
and MDAnalysis, on 1 and 3 ranks, and resumed.

The writer runs through tests/io/test_h5md.c (environment H5MD_DRIVER), which
reads a data file and writes frames that are a known function of it (see that
file's header): step 100 f + 7, time 0.002 step ps, the box stretched and
tilted a little more each frame, x = x0 + f d(id), v = v0 - f d(id), force
(f + 1) d(id), image0 + (f, -f, f mod 2), and a per-atom column "tcol" =
0.25 id + f, with d_c(id) = ((37 id + 11 c) mod 101 - 50) 1e-3. This script
recomputes every value with the same double-precision operations.

Checked, for tests/data/cuzr-glass.data (orthogonal), cuzr-triclinic.data
(all tilts non-zero) and cuzr-slab.data (boundary p p f):

  layout   (h5py, 1-rank file) h5md/version [1,1] (integer), author/name,
           creator/name "mgmd" and version; particles/all/box dimension 3 and
           boundary periodic|none per dimension; box/edges and box/origin,
           position, velocity, force, image and tcol are time-dependent
           groups whose step and time are hard links to position's (one HDF5
           object); step int64 [F], time float64 [F]; value shapes [F][3][3],
           [F][3], [F][N][3], [F][N]; image int32; species int32 [N] and
           id int64 [N] time-independent; frame axis unlimited, per-atom
           chunks one frame deep and at most 4 MiB; unit attributes as
           variable-length strings: "ps", "Angstrom", "Angstrom ps-1",
           "eV Angstrom-1"; parameters/mgmd natoms, type_element, boundary.
  values   every dataset == the recomputed values (1e-12 relative; they are
           in fact identical), row k holding atom id k+1.
  ranks    the 3-rank file holds exactly the 1-rank file's data.
  resume   a 5-frame file reopened keeping 2 frames (3 ranks) and a 6-frame
           file reopened keeping 3 (1 rank), both continued to 6 frames, are
           identical to a file written straight through.
  readers  MDAnalysis.Universe(data file, h5 file, format="H5MD"): frame
           count, positions, velocities, box dimensions (lengths and angles,
           from the edge vectors), time and step of every frame, for a file
           without forces; with forces too, once "eV Angstrom-1" is
           registered with MDAnalysis as docs/h5md.md shows (MDAnalysis 2.4
           knows no force unit in eV and refuses such a file otherwise).
           MDAnalysis keeps coordinates and boxes in float32, so these
           checks use 2e-6 relative to the box size.
  errors   each stops every rank with exit status 2 and a message naming the
           file and the problem: a directory that does not exist, resuming a
           file mgmd did not write, another atom count, more frames to keep
           than the file has, other elements than the file's, atom ids with
           a gap.

Ends with `N passed, M failed`; exit status 1 if any check failed.
"""
import os
import shutil
import subprocess
import sys
import tempfile
import warnings

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import numpy as np  # noqa: E402
import h5py  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import mgmdtest as mt  # noqa: E402

_show, warnings.showwarning = warnings.showwarning, lambda *a, **k: None
import MDAnalysis  # noqa: E402  (its import warns about deprecated xdrlib)
warnings.showwarning = _show

HERE = os.path.dirname(os.path.abspath(__file__))
DRIVER = os.environ.get("H5MD_DRIVER") or os.path.join(HERE, "..", "..", "build", "tests", "io", "test_h5md")
MPIEXEC = os.environ.get("MGMD_MPIEXEC", "").split()
NF = 4
RTOL = 1e-12
FIXTURES = [("cuzr-glass.data", "ppp"), ("cuzr-triclinic.data", "ppp"), ("cuzr-slab.data", "ppf")]

checks = mt.Checks()
check = checks.named  # check(name, ok, detail)


def run(args, np_=None, expect_ok=True):
    """Run the driver under mpirun with np_ ranks (default 1: a singleton
    MPI process trips LeakSanitizer in the sanitizer build); returns the
    CompletedProcess."""
    pre = MPIEXEC or mt.mpi_prefix(1)[:-2]
    cmd = pre + ["-np", str(np_ or 1), DRIVER]
    cmd += [str(a) for a in args]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    if expect_ok and p.returncode != 0:
        sys.stderr.write(p.stdout[-3000:] + p.stderr[-3000:])
        raise RuntimeError("driver failed (exit %d): %s" % (p.returncode, " ".join(cmd)))
    return p


def close(a, b, rtol=RTOL):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.shape != b.shape:
        return False
    return bool(np.all(np.abs(a - b) <= rtol * np.maximum(np.abs(b), 1.0)))


def worst(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.shape != b.shape:
        return "shape %s vs %s" % (a.shape, b.shape)
    return "max |diff| %.3g" % np.max(np.abs(a - b)) if a.size else "empty"


def expected(d, f):
    """Frame f as test_h5md.c makes it, from the data file d (sorted by id)."""
    ids = d["id"]
    dd = np.stack([((37 * ids + 11 * c) % 101 - 50).astype(float) * 1e-3 for c in range(3)], axis=1)
    tilted = bool(np.any(d["tilt"] != 0))
    lo = np.array([d["lo"][k] - f * 0.005 for k in range(3)])
    hi = np.array([d["hi"][k] + f * 0.01 * (k + 1) for k in range(3)])
    xy, xz, yz = d["tilt"]
    if tilted:
        xy, xz, yz = xy + f * 0.002, xz - f * 0.001, yz + f * 0.003
    L = hi - lo
    step = 100 * f + 7
    img = d["image"] + np.array([f, -f, f % 2])
    return {
        "step": step,
        "time": float(step) * 0.002,
        "edges": np.array([[L[0], 0, 0], [xy, L[1], 0], [xz, yz, L[2]]]),
        "origin": lo,
        "x": d["x"] + f * dd,
        "v": d["v"] - f * dd,
        "f": (f + 1) * dd,
        "image": img,
        "tcol": 0.25 * ids.astype(float) + f,
    }


def unit(ds):
    u = ds.attrs.get("unit")
    return u if isinstance(u, str) else None


def same_object(f, a, b):
    return h5py.h5o.get_info(f[a].id).addr == h5py.h5o.get_info(f[b].id).addr


def check_layout(tag, path, d, boundary):
    n = len(d["id"])
    with h5py.File(path, "r") as f:
        h = f["h5md"]
        v = h.attrs.get("version")
        check(tag + " h5md/version = [1, 1], integer", v is not None and list(v) == [1, 1] and v.dtype.kind == "i", v)
        check(tag + " h5md/author/name", h["author"].attrs.get("name") == b"Test Author", h["author"].attrs.get("name"))
        check(tag + " h5md/creator name mgmd, version",
              h["creator"].attrs.get("name") == b"mgmd" and len(h["creator"].attrs.get("version", b"")) > 0)
        p = f["particles/all"]
        bx = p["box"]
        want = [b"periodic" if c == "p" else b"none" for c in boundary]
        check(tag + " box dimension 3, boundary %s" % [w.decode() for w in want],
              bx.attrs.get("dimension") == 3 and list(bx.attrs.get("boundary")) == want, list(bx.attrs.get("boundary")))
        ok = True
        for el in ["box/edges", "box/origin", "velocity", "force", "image", "tcol"]:
            for s in ["step", "time"]:
                ok = ok and same_object(f, "particles/all/%s/%s" % (el, s), "particles/all/position/" + s)
        check(tag + " step and time of every element are hard links to position's", ok)
        st, tm = p["position/step"], p["position/time"]
        check(tag + " position/step int64 [F], time float64 [F] unit ps",
              st.dtype == np.int64 and st.shape == (NF,) and tm.dtype == np.float64 and tm.shape == (NF,)
              and unit(tm) == "ps", (st.dtype, st.shape, tm.dtype, unit(tm)))
        shapes = {"box/edges": ((NF, 3, 3), np.float64, "Angstrom"), "box/origin": ((NF, 3), np.float64, "Angstrom"),
                  "position": ((NF, n, 3), np.float64, "Angstrom"), "velocity": ((NF, n, 3), np.float64, "Angstrom ps-1"),
                  "force": ((NF, n, 3), np.float64, "eV Angstrom-1"), "image": ((NF, n, 3), np.int32, None),
                  "tcol": ((NF, n), np.float64, None)}
        for el, (shape, dt, u) in shapes.items():
            val = p[el + "/value"]
            ok = val.shape == shape and val.dtype == dt and unit(val) == u and val.maxshape[0] is None
            if len(shape) >= 2 and shape[1] == n:
                ok = ok and val.chunks[0] == 1 and np.prod(val.chunks) * val.dtype.itemsize <= 4 << 20
            check(tag + " %s/value %s %s unit %s, extensible" % (el, shape, np.dtype(dt).name, u), ok,
                  (val.shape, val.dtype, unit(val), val.maxshape, val.chunks))
        check(tag + " species int32 [N], id int64 [N] time-independent",
              p["species"].shape == (n,) and p["species"].dtype == np.int32 and p["id"].shape == (n,)
              and p["id"].dtype == np.int64)
        m = f["parameters/mgmd"].attrs
        # The fixtures' Masses lines carry no element comments: names are "".
        check(tag + " parameters/mgmd natoms, type_element, type_mass, boundary",
              m.get("natoms") == n and list(m.get("type_element")) == [b"", b""]
              and close(m.get("type_mass"), [d["masses"][1], d["masses"][2]])
              and m.get("boundary") == " ".join(boundary).encode(), dict(m))


def check_values(tag, path, d):
    with h5py.File(path, "r") as f:
        p = f["particles/all"]
        e = [expected(d, fr) for fr in range(NF)]
        check(tag + " step", np.array_equal(p["position/step"][:], [x["step"] for x in e]), p["position/step"][:])
        check(tag + " time", close(p["position/time"][:], [x["time"] for x in e]), p["position/time"][:])
        for key, ds in [("edges", "box/edges"), ("origin", "box/origin"), ("x", "position"), ("v", "velocity"),
                        ("f", "force"), ("image", "image"), ("tcol", "tcol")]:
            got, want = p[ds + "/value"][:], np.array([x[key] for x in e])
            check(tag + " %s values, all frames" % ds, close(got, want), worst(got, want))
        check(tag + " species == type, id == 1..N",
              np.array_equal(p["species"][:], d["type"]) and np.array_equal(p["id"][:], np.arange(1, len(d["id"]) + 1)))


def datasets(path):
    out = {}
    with h5py.File(path, "r") as f:
        def visit(name, obj):
            if isinstance(obj, h5py.Dataset):
                out[name] = (obj[()], {k: obj.attrs[k] for k in obj.attrs})
        f.visititems(visit)
    return out


def identical(a, b):
    A, B = datasets(a), datasets(b)
    if sorted(A) != sorted(B):
        return False, "datasets differ: %s" % sorted(set(A) ^ set(B))
    for k in A:
        if A[k][0].shape != B[k][0].shape or not np.array_equal(A[k][0], B[k][0]):
            return False, "%s differs (%s)" % (k, worst(A[k][0], B[k][0]) if A[k][0].dtype.kind in "fi" else "")
        if sorted(A[k][1]) != sorted(B[k][1]):
            return False, "attributes of %s differ" % k
    return True, ""


def dims_from_edges(E):
    a, b, c = E
    n = [np.linalg.norm(v) for v in (a, b, c)]
    ang = lambda u, v, nu, nv: np.degrees(np.arccos(np.dot(u, v) / (nu * nv)))  # noqa: E731
    return np.array([n[0], n[1], n[2], ang(b, c, n[1], n[2]), ang(a, c, n[0], n[2]), ang(a, b, n[0], n[1])])


EV_PER_KJMOL = 1 / 96.48533212331002  # eV per kJ/mol (CODATA 2018 e and N_A)


def teach_mdanalysis_ev():
    """MDAnalysis 2.4 knows no force unit in eV: register "eV Angstrom-1" as
    docs/h5md.md shows (otherwise it refuses any file with forces)."""
    import MDAnalysis.units as mu
    from MDAnalysis.coordinates.H5MD import H5MDReader
    mu.forceUnit_factor["eV/Angstrom"] = EV_PER_KJMOL
    mu.unit_types["eV/Angstrom"] = "force"
    H5MDReader._unit_translation["force"]["eV Angstrom-1"] = "eV/Angstrom"


def check_mdanalysis(tag, data_path, h5_path, d, with_force):
    try:
        u = MDAnalysis.Universe(data_path, h5_path, topology_format="DATA", atom_style="id type x y z",
                                format="H5MD")
    except Exception as exc:  # noqa: BLE001
        check(tag + " MDAnalysis opens the file", False, repr(exc))
        return
    check(tag + " MDAnalysis: %d frames of %d atoms" % (NF, len(d["id"])),
          u.trajectory.n_frames == NF and len(u.atoms) == len(d["id"]), (u.trajectory.n_frames, len(u.atoms)))
    order = np.argsort(u.atoms.ids)
    ok_x = ok_v = ok_box = ok_t = ok_f = True
    detail = ""
    for ts in u.trajectory:
        e = expected(d, ts.frame)
        L = float(np.max(e["edges"]))
        if not close(ts.positions[order], e["x"], 2e-6 * L):
            ok_x, detail = False, worst(ts.positions[order], e["x"])
        if not close(ts.velocities[order], e["v"], 2e-6 * L):
            ok_v = False
        want = dims_from_edges(e["edges"])
        if not (close(ts.dimensions[:3], want[:3], 2e-6) and close(ts.dimensions[3:], want[3:], 2e-6)):
            ok_box, detail = False, (ts.dimensions, want)
        if not (abs(ts.time - e["time"]) <= RTOL * e["time"] and ts.data.get("step") == e["step"]):
            ok_t, detail = False, (ts.time, ts.data.get("step"), e["time"], e["step"])
        # MDAnalysis converts to its kJ/(mol A).
        if with_force and not close(ts.forces[order] * EV_PER_KJMOL, e["f"], 2e-6):
            ok_f = False
    check(tag + " MDAnalysis positions", ok_x, detail)
    check(tag + " MDAnalysis velocities", ok_v)
    check(tag + " MDAnalysis box lengths and angles", ok_box, detail)
    check(tag + " MDAnalysis time and step", ok_t, detail)
    if with_force:
        check(tag + " MDAnalysis forces (eV Angstrom-1 registered)", ok_f)


def expect_error(tag, args, np_, words):
    p = run(args, np_, expect_ok=False)
    msg = [l for l in p.stderr.splitlines() if l.startswith("ERROR")]
    ok = p.returncode != 0 and msg and all(w in msg[0] for w in words)
    check("error: %s (%s ranks) -> exit 2 and a message naming %s" % (tag, np_ or 1, words), ok,
          "exit %d, %s" % (p.returncode, msg[:1] or p.stderr[-500:]))


def main():
    if not os.path.exists(DRIVER):
        print("FAIL driver %s not built" % DRIVER)
        return 1
    tmp = tempfile.mkdtemp(prefix="mgmd-h5md-")
    try:
        for name, boundary in FIXTURES:
            data = os.path.join(mt.DATA, name)
            d = mt.read_data(data)
            tag = name.split(".")[0] + ":"
            one, three = os.path.join(tmp, "one-" + name + ".h5"), os.path.join(tmp, "three-" + name + ".h5")
            common = [data, NF, "--boundary", boundary, "--author", "Test Author"]
            run(["write", one] + common)
            run(["write", three] + common, np_=3)
            check_layout(tag, one, d, boundary)
            check_values(tag, one, d)
            ok, why = identical(one, three)
            check(tag + " 3-rank file == 1-rank file", ok, why)

        # Resume: cut back and continue, on 3 and on 1 rank.
        data = os.path.join(mt.DATA, "cuzr-triclinic.data")
        straight, r3, r1 = (os.path.join(tmp, n) for n in ("straight.h5", "r3.h5", "r1.h5"))
        run(["write", straight, data, 6, "--author", "A"], np_=3)
        run(["write", r3, data, 5, "--author", "A"], np_=3)
        run(["write", r3, data, 6, "--resume", 2, "--author", "A"], np_=3)
        ok, why = identical(straight, r3)
        check("resume: 5 frames, keep 2, continue to 6 (3 ranks) == 6 frames straight", ok, why)
        shutil.copy(straight, r1)
        run(["write", r1, data, 6, "--resume", 3, "--author", "A"])
        ok, why = identical(straight, r1)
        check("resume: 6 frames, keep 3, continue to 6 (1 rank) == 6 frames straight", ok, why)

        # MDAnalysis, with and without forces.
        d = mt.read_data(data)
        noforce = os.path.join(tmp, "noforce.h5")
        run(["write", noforce, data, NF, "--no", "F"], np_=3)
        check_mdanalysis("triclinic, no forces:", data, noforce, d, False)
        teach_mdanalysis_ev()
        check_mdanalysis("triclinic, forces:", data, os.path.join(tmp, "one-cuzr-triclinic.data.h5"), d, True)
        glass = os.path.join(mt.DATA, "cuzr-glass.data")
        check_mdanalysis("glass, forces:", glass, os.path.join(tmp, "one-cuzr-glass.data.h5"), mt.read_data(glass), True)

        # Errors.
        missing = os.path.join(tmp, "no-such-dir", "x.h5")
        expect_error("create in a missing directory", ["write", missing, data, 2], 3, [missing, "cannot create"])
        foreign = os.path.join(tmp, "foreign.h5")
        with h5py.File(foreign, "w") as f:
            f.create_group("h5md")
        expect_error("resume a file mgmd did not write", ["write", foreign, data, 3, "--resume", 1], 3,
                     [foreign, "not an H5MD file written by mgmd"])
        pdcuni = os.path.join(mt.DATA, "pdcuni-liquid.data")
        expect_error("resume with another atom count", ["write", r1, pdcuni, 8, "--resume", 1], 3,
                     [r1, "500 atoms", "512"])
        expect_error("resume keeping more frames than written", ["write", r1, data, 9, "--resume", 7], None,
                     [r1, "6 frames", "7 to keep"])
        expect_error("resume without velocities", ["write", r1, data, 9, "--resume", 2, "--no", "V"], None,
                     [r1, "particles/all/velocity", "does not write"])
        expect_error("resume with a column the file lacks", ["write", noforce, data, 9, "--resume", 2], None,
                     [noforce, "force", "this dump writes"])
        expect_error("atom ids with a gap", ["write", os.path.join(tmp, "gap.h5"), data, 2, "--drop-id", 17], 3,
                     ["gap.h5", "ids must be 1..N", "499 atoms"])
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return checks.summary()


if __name__ == "__main__":
    sys.exit(main())
