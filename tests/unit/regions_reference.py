#!/usr/bin/python3
"""Independent NumPy check of region membership (src/system/region.h).

Usage: regions_reference.py [TEST_REGIONS_BINARY]
       (or MGMD_TEST_REGIONS=path; default ../../build/tests/unit/test_regions)

Runs test_regions, which writes per box its geometry, its regions' stored
parameters and the 0/1 membership of each point in each region, and
recomputes every membership by brute force from the definitions in region.h:

  * the shape test is done in Cartesian coordinates on the stored parameters
    (block bounds, |x - c| <= r, distance from the cylinder axis, the plane's
    (x - p).n >= 0, the prism's fractional coordinates from a linear solve);
  * a primitive takes the point if x + H n is in the shape for some integer
    n = (n0, n1, n2) in -4..4 each, where n_d may be non-zero only if the
    box is periodic in d and the shape's Cartesian bounding box is finite
    in d (the bounding box computed here from the exact support function of
    the shape along the Cartesian axes, not taken from the C side). Any
    image in the shape lies in its bounding box, so this brute force is the
    rule of region.h (c, then b, then a, each shift bringing its coordinate
    into the bounding box); the script asserts that -4..4 covers every shift
    that rule allows from these points;
  * `side out` complements; union/intersect combine the operands' final
    memberships, then apply their own side.

It also checks that the stored parameters are those the test meant to define
(so region_init did not alter them, beyond normalising the plane normal),
that every case has points both in and out, and that some points are taken
only through a periodic image, among them for the slab bounded only in x
in the tilted boxes (which a rule based on the extent in the fractional
coordinates would give no images). Prints ok/FAIL per case and exits 1 on any
failure. Needs only numpy."""
import os
import subprocess
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
SHIFT = 4
PRIMITIVES = ("block", "sphere", "cylinder", "plane", "prism")


def parse(path):
    boxes = []
    with open(path) as f:
        header = f.readline().split()
        assert header == ["mgmd-regions", "1"], header
        cur = None
        for line in f:
            w = line.split()
            if not w:
                continue
            key = w[0]
            if key == "box":
                cur = {"name": w[1], "np": int(w[2]), "nr": int(w[3]), "regions": [], "points": [], "m": []}
            elif key in ("lo", "hi", "tilt"):
                cur[key] = np.array([float(v) for v in w[1:4]])
            elif key == "boundary":
                cur["boundary"] = w[1]
            elif key == "region":
                k, name, style, side, axis, nop = int(w[1]), w[2], w[3], int(w[4]), int(w[5]), int(w[6])
                ops = [int(v) for v in w[7:7 + nop]]
                assert w[7 + nop] == "params"
                p = np.array([float(v) for v in w[8 + nop:17 + nop]])
                assert k == len(cur["regions"])
                cur["regions"].append({"name": name, "style": style, "side": side, "axis": axis,
                                       "ops": ops, "p": p})
            elif key == "point":
                cur["points"].append([float(v) for v in w[1:4]])
                cur["m"].append([int(v) for v in w[4:]])
            elif key == "endbox":
                cur["points"] = np.array(cur["points"])
                cur["m"] = np.array(cur["m"], dtype=bool)
                assert cur["points"].shape == (cur["np"], 3), cur["points"].shape
                assert cur["m"].shape == (cur["np"], cur["nr"]), cur["m"].shape
                assert len(cur["regions"]) == cur["nr"]
                boxes.append(cur)
                cur = None
            elif key == "end":
                break
            else:
                raise ValueError("unexpected line: " + line)
    return boxes


def cell(bx):
    L = bx["hi"] - bx["lo"]
    xy, xz, yz = bx["tilt"]
    # Columns are the edge vectors a, b, c.
    return np.array([[L[0], xy, xz], [0.0, L[1], yz], [0.0, 0.0, L[2]]])


def prism_edges(p):
    lx, ly, lz = p[1] - p[0], p[3] - p[2], p[5] - p[4]
    return np.array([[lx, p[6], p[7]], [0.0, ly, p[8]], [0.0, 0.0, lz]])


def cyl_axes(axis):
    return axis, [j for j in range(3) if j != axis]


def support_interval(reg, w):
    """[min, max] of w.x over the shape, or None if unbounded."""
    s, p = reg["style"], reg["p"]
    if s == "block":
        lo = hi = 0.0
        for j in range(3):
            if w[j] == 0.0:
                continue
            a, b = p[2 * j], p[2 * j + 1]
            if not (np.isfinite(a) and np.isfinite(b)):
                return None
            lo += min(w[j] * a, w[j] * b)
            hi += max(w[j] * a, w[j] * b)
        return lo, hi
    if s == "sphere":
        c = w @ p[:3]
        r = p[3] * np.linalg.norm(w)
        return c - r, c + r
    if s == "cylinder":
        a, perp = cyl_axes(reg["axis"])
        lo = hi = 0.0
        if w[a] != 0.0:
            if not (np.isfinite(p[3]) and np.isfinite(p[4])):
                return None
            lo, hi = sorted((w[a] * p[3], w[a] * p[4]))
        wp = w[perp]
        c = wp @ p[:2]
        r = p[2] * np.linalg.norm(wp)
        return lo + c - r, hi + c + r
    if s == "plane":
        return None  # a half-space is unbounded along every non-zero w
    if s == "prism":
        E = prism_edges(p)
        org = p[[0, 2, 4]]
        corners = [org + E @ np.array([i, j, k]) for i in (0, 1) for j in (0, 1) for k in (0, 1)]
        v = [w @ c for c in corners]
        return min(v), max(v)
    raise ValueError(s)


def in_shape(reg, Y):
    """Y (..., 3) Cartesian; boolean (...) membership of the shape itself."""
    s, p = reg["style"], reg["p"]
    if s == "block":
        ok = np.ones(Y.shape[:-1], dtype=bool)
        for j in range(3):
            ok &= (Y[..., j] >= p[2 * j]) & (Y[..., j] <= p[2 * j + 1])
        return ok
    if s == "sphere":
        return np.sum((Y - p[:3]) ** 2, axis=-1) <= p[3] ** 2
    if s == "cylinder":
        a, perp = cyl_axes(reg["axis"])
        d2 = (Y[..., perp[0]] - p[0]) ** 2 + (Y[..., perp[1]] - p[1]) ** 2
        return (d2 <= p[2] ** 2) & (Y[..., a] >= p[3]) & (Y[..., a] <= p[4])
    if s == "plane":
        return (Y - p[:3]) @ p[3:6] >= 0.0
    if s == "prism":
        E = prism_edges(p)
        d = (Y - p[[0, 2, 4]]).reshape(-1, 3)
        f = np.linalg.solve(E, d.T).T.reshape(Y.shape)
        return np.all((f >= 0.0) & (f <= 1.0), axis=-1)
    raise ValueError(s)


def bounding_box(reg):
    """Cartesian [lo, hi] per axis (+-inf where the shape is unbounded)."""
    lo, hi = np.full(3, -np.inf), np.full(3, np.inf)
    for j in range(3):
        iv = support_interval(reg, np.eye(3)[j])
        if iv is not None:
            lo[j], hi[j] = iv
    return lo, hi


def check_shift_coverage(bx, reg, H, X, image):
    """Assert that every shift the rule of region.h allows from X, edge by
    edge from c to a, lies in -SHIFT..SHIFT (so the brute force sees them
    all). image[d]: does edge d take images for this shape?"""
    lo, hi = bounding_box(reg)
    grid = np.arange(-SHIFT - 3, SHIFT + 4)  # wider than the brute force

    def allowed(d, v):
        """(npoints, len(grid)) mask of the shifts n along d with v + n L_d in [lo_d, hi_d]."""
        if not image[d]:
            return np.broadcast_to(grid == 0, (len(v), len(grid)))
        w = v[:, None] + grid[None, :] * H[d, d]
        tol = 1e-9 * H[d, d]
        return (w >= lo[d] - tol) & (w <= hi[d] + tol)

    a2 = allowed(2, X[:, 2])
    for i2, n2 in enumerate(grid):
        sel = a2[:, i2]
        if not sel.any():
            continue
        assert abs(n2) <= SHIFT, (bx["name"], reg["name"], "n2", n2)
        a1 = allowed(1, X[sel, 1] + n2 * H[1, 2])
        for i1, n1 in enumerate(grid):
            sel1 = a1[:, i1]
            if not sel1.any():
                continue
            assert abs(n1) <= SHIFT, (bx["name"], reg["name"], "n1", n1)
            a0 = allowed(0, X[sel][sel1, 0] + n1 * H[0, 1] + n2 * H[0, 2])
            far = np.abs(grid) > SHIFT
            assert not a0[:, far].any(), (bx["name"], reg["name"], "n0")


def reference(bx):
    """Memberships (np, nr) and, for primitives, image-only counts."""
    H = cell(bx)
    Hinv = np.linalg.inv(H)
    X = bx["points"]
    lam = (X - bx["lo"]) @ Hinv.T
    periodic = [c == "p" for c in bx["boundary"]]
    in_box = np.all((lam >= 0.0) & (lam < 1.0), axis=1)
    out = np.zeros((bx["np"], bx["nr"]), dtype=bool)
    image_only = {}
    images_along = {}
    for k, reg in enumerate(bx["regions"]):
        s = reg["style"]
        if s in PRIMITIVES:
            lo, hi = bounding_box(reg)
            image = [periodic[d] and np.isfinite(lo[d]) and np.isfinite(hi[d]) for d in range(3)]
            check_shift_coverage(bx, reg, H, X, image)
            ranges = [list(range(-SHIFT, SHIFT + 1)) if image[d] else [0] for d in range(3)]
            images_along[k] = "".join("abc"[d] for d in range(3) if image[d]) or "-"
            n = np.array(np.meshgrid(*ranges, indexing="ij")).reshape(3, -1).T.astype(float)
            Y = X[:, None, :] + (n @ H.T)[None, :, :]
            shape = in_shape(reg, Y)
            zero = np.all(n == 0, axis=1)
            direct = shape[:, zero][:, 0]
            inside = shape.any(axis=1)
            only = inside & ~direct
            image_only[k] = (int(np.sum(only)), int(np.sum(only & in_box)))
        else:
            m = out[:, reg["ops"]]
            inside = m.any(axis=1) if s == "union" else m.all(axis=1)
        out[:, k] = ~inside if reg["side"] else inside
    return out, image_only, images_along


def expected_params(bx):
    """The primitives' parameters as test_regions.c defines them."""
    lo, L = bx["lo"], bx["hi"] - bx["lo"]
    lmin = L.min()
    H = cell(bx)
    inf = np.inf

    def at(l):
        return lo + H @ np.array(l)

    e = {
        "blk_in": [lo[0] + 0.2 * L[0], lo[0] + 0.5 * L[0], lo[1] + 0.3 * L[1], lo[1] + 0.6 * L[1],
                   lo[2] + 0.25 * L[2], lo[2] + 0.55 * L[2]],
        "blk_cross": [lo[0] + 0.8 * L[0], lo[0] + 1.15 * L[0], lo[1] + 0.2 * L[1], lo[1] + 0.7 * L[1],
                      lo[2] - 0.1 * L[2], lo[2] + 0.25 * L[2]],
        "blk_inf": [-inf, inf, lo[1] + 0.3 * L[1], lo[1] + 0.55 * L[1], -inf, lo[2] + 0.4 * L[2]],
        "blk_inf_out": [lo[0] - 0.1 * L[0], lo[0] + 0.3 * L[0], -inf, inf, lo[2] + 0.5 * L[2],
                        lo[2] + 0.9 * L[2]],
        "slab_x": [lo[0] + 0.85 * L[0], lo[0] + 1.1 * L[0], -inf, inf, -inf, inf],
        "slab_y": [-inf, inf, lo[1] - 0.15 * L[1], lo[1] + 0.1 * L[1], -inf, inf],
        "sph_corner": [*at([0.95, 0.05, 0.9]), 0.3 * lmin],
        "sph_out": [*at([0.5, 0.5, 0.5]), 0.35 * lmin],
        "sph_big": [*at([0.1, 0.6, 0.3]), 0.62 * lmin],
        "cyl_x": [lo[1] + 0.9 * L[1], lo[2] + 0.5 * L[2], 0.2 * lmin, lo[0] - 0.2 * L[0], lo[0] + 0.4 * L[0]],
        "cyl_y": [lo[0] + 0.1 * L[0], lo[2] + 0.85 * L[2], 0.25 * lmin, -inf, inf],
        "cyl_z": [lo[0] + 1.0 * L[0], lo[1] + 0.5 * L[1], 0.3 * lmin, lo[2] + 0.6 * L[2], inf],
        "plane_obl": [*at([0.5, 0.5, 0.5]), 1.0, -2.0, 0.7],
        "plane_out": [*at([0.3, 0.3, 0.3]), 0.2, 0.3, -1.0],
        "prism": [lo[0] + 0.7 * L[0], lo[0] + 1.1 * L[0], lo[1] - 0.15 * L[1], lo[1] + 0.3 * L[1],
                  lo[2] + 0.6 * L[2], lo[2] + 1.05 * L[2], 0.2 * L[0], -0.15 * L[0], 0.1 * L[1]],
        "prism_out": [lo[0] + 0.3 * L[0], lo[0] + 0.6 * L[0], lo[1] + 0.2 * L[1], lo[1] + 0.5 * L[1],
                      lo[2] + 0.3 * L[2], lo[2] + 0.7 * L[2], -0.25 * L[0], 0.2 * L[0], -0.3 * L[1]],
    }
    for k in ("plane_obl", "plane_out"):
        n = np.array(e[k][3:6])
        e[k][3:6] = list(n / np.linalg.norm(n))
    return e


def same(a, b):
    a, b = np.asarray(a, float), np.asarray(b, float)
    fin = np.isfinite(b)
    return bool(np.all(a[~fin] == b[~fin]) and np.allclose(a[fin], b[fin], rtol=1e-12, atol=1e-12))


def main():
    exe = sys.argv[1] if len(sys.argv) > 1 else os.environ.get(
        "MGMD_TEST_REGIONS", os.path.join(HERE, "..", "..", "build", "tests", "unit", "test_regions"))
    passed = failed = 0

    def report(ok, text):
        nonlocal passed, failed
        print(("ok   " if ok else "FAIL ") + text)
        if ok:
            passed += 1
        else:
            failed += 1

    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "regions.txt")
        try:
            p = subprocess.run([exe, path], capture_output=True, text=True, timeout=600)
        except (OSError, subprocess.TimeoutExpired) as e:
            print("FAIL cannot run %s: %s" % (exe, e))
            print("%d passed, %d failed" % (passed, failed + 1))
            return 1
        sys.stdout.write(p.stdout)
        sys.stderr.write(p.stderr)
        report(p.returncode == 0, "test_regions exit status %d (its own error-path checks)" % p.returncode)
        if not os.path.exists(path):
            print("%d passed, %d failed" % (passed, failed + 1))
            return 1
        boxes = parse(path)

    report(len(boxes) == 4, "%d boxes in the output" % len(boxes))
    total_image_only = total_image_only_box = 0
    styles_seen = set()
    for bx in boxes:
        ref, image_only, along = reference(bx)
        exp = expected_params(bx)
        npt = bx["np"]
        for k, reg in enumerate(bx["regions"]):
            styles_seen.add(reg["style"])
            case = "%s/%s (%s%s)" % (bx["name"], reg["name"], reg["style"], " side out" if reg["side"] else "")
            if reg["name"] in exp:
                want = exp[reg["name"]]
                report(same(reg["p"][:len(want)], want), "%s stored parameters as defined" % case)
            got = bx["m"][:, k]
            mism = int(np.sum(got != ref[:, k]))
            nin = int(np.sum(ref[:, k]))
            extra = ""
            if k in image_only:
                total_image_only += image_only[k][0]
                total_image_only_box += image_only[k][1]
                extra = ", images along %s, %d only through an image (%d of them in the box)" % (
                    along[k], *image_only[k])
            report(mism == 0, "%s: %d/%d points agree, %d in, %d out%s" % (case, npt - mism, npt, nin, npt - nin,
                                                                        extra))
            if mism:
                bad = np.nonzero(got != ref[:, k])[0][:5]
                for i in bad:
                    print("       point %s: C %d, reference %d" % (bx["points"][i], got[i], ref[i, k]))
            report(0 < nin < npt, "%s has points both in and out (%d in, %d out)" % (case, nin, npt - nin))
        # The slab bounded only in x must take its x-images in every box that
        # is periodic in x, tilted or not; in the tilted boxes this is what a
        # rule based on the fractional extent (infinite there) would miss.
        ks = [k for k, reg in enumerate(bx["regions"]) if reg["name"] == "slab_x"]
        report(len(ks) == 1, "%s defines slab_x" % bx["name"])
        if ks and bx["boundary"][0] == "p":
            k = ks[0]
            tilted = bool(np.any(bx["tilt"] != 0.0))
            report(along[k] == "a" and image_only[k][1] > 0,
                   "%s/slab_x (block bounded only in x%s): images along %s, %d points in the box only "
                   "through an x-image" % (bx["name"], ", tilted box" if tilted else "", along[k],
                                           image_only[k][1]))
        # Non-periodic dimensions must never contribute images.
        for k in image_only:
            for d, c in enumerate(bx["boundary"]):
                if c != "p":
                    assert "abc"[d] not in along[k]
    report(styles_seen >= set(PRIMITIVES) | {"union", "intersect"}, "every style exercised")
    report(total_image_only_box > 0, "%d selections only through a periodic image (%d of points in the box)"
           % (total_image_only, total_image_only_box))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
