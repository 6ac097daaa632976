#!/usr/bin/python3
"""D2min and atomic strain against closed forms (docs/analysis.md,
"Non-affine displacement and atomic strain"):

1. A homogeneous affine deformation (box and atoms together, all six
   components, across periodic boundaries) of an orthogonal and of a
   triclinic Cu-Zr glass: D2min zero to round-off (<= 1e-18 A^2) and J the
   applied deformation gradient F = H' H^-1 to 1e-10 for every atom; with
   `mapping reference` and `mapping current`, J the identity.
2. A cluster in vacuum (shrink-wrapped boundaries) turned and stretched by a
   general F (rotation included): D2min zero, J = F.
3. Simple shear xy by gamma = 0.1: every atom's von Mises shear strain is
   sqrt(gamma^2/4 + gamma^4/12) = 0.050083 and its volumetric strain
   gamma^2/6.
4. One atom displaced by delta: its D2min is |delta|^2 (n - s^T V^-1 s),
   s = sum of its n reference separations d0, and each neighbour's is
   |delta|^2 (1 - e^T V^-1 e), e its separation from the displaced atom and
   V its own sum d0 d0^T (closed forms from J = W V^-1); every other atom 0.
"""
import os
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import d2common as dc  # noqa: E402

mt = dc.mt
check = mt.Checks()
RC = 5.0
POT = "potential eam/fs CuZr_mm.eam.fs Cu Zr\n"
COLS = "id dm_d2min dm_shear dm_vol dm_nnb dm_valid " + " ".join(
    "dm_J" + a + b for a in "xyz" for b in "xyz")


def deck(setup, change, extra=""):
    return (f"units metal\n{setup}{POT}d2min dm cutoff {RC} A J yes{extra}\nwrite_data ref.data\n{change}\n"
            f"write_data cur.data\ndump d every 1000 file d.dump columns {COLS} precision 17\nrun 0\n")


def result(wd):
    fr = mt.read_dump(os.path.join(wd, "d.dump"))[-1]
    J = np.stack([np.stack([fr["dm_J" + a + b] for b in "xyz"], axis=-1) for a in "xyz"], axis=-2)
    return fr, J


def affine_case(wd, label, setup, change, F_of, mapping="off"):
    d = os.path.join(wd, label.replace(" ", "_"))
    mt.run_mgmd(deck(setup, change, f" mapping {mapping}"), d)
    ref = mt.read_data(os.path.join(d, "ref.data"))
    cur = mt.read_data(os.path.join(d, "cur.data"))
    F = F_of(ref, cur)
    fr, J = result(d)
    want = F if mapping == "off" else np.eye(3)
    jerr = np.max(np.abs(J - want))
    check(np.all(fr["dm_valid"] == 1) and np.max(fr["dm_d2min"]) <= 1e-18 and jerr <= 1e-10,
          f"{label}, mapping {mapping}: D2min <= {np.max(fr['dm_d2min']):.1e} A^2 (<= 1e-18), J = "
          f"{'F' if mapping == 'off' else 'I'} to {jerr:.1e} (<= 1e-10) for all {len(J)} atoms")
    return F


def box_F(ref, cur):
    return dc.cell(cur) @ np.linalg.inv(dc.cell(ref))


def main():
    glass = f"read_data {mt.DATA}/cuzr-glass.data\nchange_box all triclinic\n"
    tri = f"read_data {mt.DATA}/cuzr-triclinic.data\n"
    six = "change_box all x scale 1.03 y scale 0.98 z scale 1.01 xy delta 0.8 xz delta -0.5 yz delta 0.3 remap units box"
    with tempfile.TemporaryDirectory() as wd:
        for label, setup in (("orthogonal glass", glass), ("triclinic glass", tri)):
            for mapping in ("off", "reference", "current"):
                F = affine_case(wd, label, setup, six, box_F, mapping)
            check(np.count_nonzero(np.abs(F - np.eye(3)) > 1e-3) == 6, f"{label}: F has all six components")

        # 2. A cluster in vacuum, a general F with a rotation.
        th = np.radians(30.0)
        n = np.array([1.0, 1.0, 1.0]) / np.sqrt(3.0)
        K = np.array([[0, -n[2], n[1]], [n[2], 0, -n[0]], [-n[1], n[0], 0]])
        R = np.eye(3) + np.sin(th) * K + (1 - np.cos(th)) * K @ K
        G = R @ np.array([[1.04, 0.02, -0.01], [0.03, 0.97, 0.05], [0.0, -0.02, 1.02]])
        g = " ".join(f"{v:.17g}" for v in G.ravel())
        affine_case(wd, "cluster in vacuum", f"read_data {mt.DATA}/cuzr-glass.data\nchange_box all boundary s s s\n",
                    f"displace_atoms all affine {g} about 10 10 10", lambda r, c: G)

        # 3. Simple shear.
        gamma = 0.1
        d = os.path.join(wd, "shear")
        ref = mt.read_data(os.path.join(mt.DATA, "cuzr-glass.data"))
        ly = ref["hi"][1] - ref["lo"][1]
        mt.run_mgmd(deck(glass, f"change_box all xy delta {gamma * ly:.17g} remap units box"), d)
        fr, J = result(d)
        eta = np.sqrt(gamma ** 2 / 4 + gamma ** 4 / 12)
        check(abs(eta - 0.050083) < 5e-7, f"closed form: eta(0.1) = {eta:.6f}")
        e1 = np.max(np.abs(fr["dm_shear"] - eta))
        e2 = np.max(np.abs(fr["dm_vol"] - gamma ** 2 / 6))
        check(e1 < 1e-12 and e2 < 1e-12, f"simple shear gamma = 0.1: every atom's shear strain {eta:.7f} to "
              f"{e1:.1e}, volumetric strain gamma^2/6 to {e2:.1e} (<= 1e-12)")

        # 4. One displaced atom.
        delta = np.array([0.3, -0.2, 0.25])
        d = os.path.join(wd, "one")
        mt.run_mgmd(deck(glass + "group one id 77\n", "displace_atoms one move 0.3 -0.2 0.25 units box"), d)
        ref = mt.read_data(os.path.join(d, "ref.data"))
        pairs = dc.reference_pairs(ref, RC)
        fr, J = result(d)
        ids = ref["id"]
        i77 = int(np.nonzero(ids == 77)[0][0])
        want = np.zeros(len(ids))
        js, d0, _ = pairs[i77]
        V = d0.T @ d0
        s = d0.sum(axis=0)
        want[i77] = delta @ delta * (len(js) - s @ np.linalg.solve(V, s))
        for j in set(js.tolist()):
            jj, d0j, _ = pairs[j]
            Vj = d0j.T @ d0j
            for e in d0j[jj == i77]:
                want[j] = delta @ delta * (1 - e @ np.linalg.solve(Vj, e))
        err = np.max(np.abs(fr["dm_d2min"] - want))
        check(err < 1e-12 and want[i77] > 0.05, f"one atom displaced by |delta| = {np.linalg.norm(delta):.3f} A: "
              f"its D2min {want[i77]:.5f} A^2 and its {len(set(js.tolist()))} neighbours' "
              f"({min(want[js]):.4f}..{max(want[js]):.4f} A^2) as the closed forms, every other atom 0, to "
              f"{err:.1e} A^2 (<= 1e-12)")
    check.finish()


if __name__ == "__main__":
    main()
