#!/usr/bin/python3
"""Per-atom D2min, shear and volumetric strain against the independent
NumPy implementation (d2common.d2min_numpy) on a deformed Cu-Zr glass, on
1, 2, 3 and 4 ranks, to 1e-10:

- orthogonal box stretched along x and compressed along y at 300 K, and a
  triclinic box sheared xy at 300 K (deform ... remap x, NVT, 200 steps),
  then a cluster of atoms around a corner of the box (so across periodic
  boundaries and, on several ranks, across rank boundaries) displaced and
  the observers sampled (`analyze`: the step was sampled at the run's end);
- three observers at once: OVITO's convention (sum), LAMMPS' (divided by
  the neighbour count) and `mapping reference`;
- `reference window` (each sample against the previous one) and
  `reference stage` (each stage against its start) over four stages of 50
  steps, against NumPy between the stages' data files.
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
OBS = [("dm", "normalize sum mapping off", False, "off"), ("dn", "normalize count", True, "off"),
       ("dr", "mapping reference", False, "reference")]


def cols(names):
    return "id " + " ".join(f"{n}_{c}" for n in names for c in ("d2min", "shear", "vol", "nnb", "valid"))


def corner_ids(path, r):
    d = mt.read_data(path)
    H = dc.cell(d)
    f = (d["x"] - d["lo"]) @ np.linalg.inv(H).T
    f -= np.round(f)  # nearest corner of the periodic cell
    dist = np.linalg.norm(f @ H.T, axis=1)
    return d["id"][dist < r]


def deformed_deck(data, deform, ids):
    obs = "".join(f"d2min {n} cutoff {RC} A {o}\n" for n, o, _, _ in OBS)
    return (f"units metal\nread_data {data}\n{'change_box all triclinic' if 'xy' in deform else ''}\n{POT}"
            f"velocity create 300 K seed 11\nensemble nvt temp 300 K tdamp 0.1 ps\n{obs}"
            f"write_data ref.data\n{deform}\nrun 200\nunfix def\n"
            f"group cl id {' '.join(str(i) for i in ids)}\ndisplace_atoms cl move 0.4 0.3 -0.5 units box\n"
            f"write_data cur.data\n{''.join(f'analyze {o[0]}' + chr(10) for o in OBS)}"
            f"dump d every 1 file d.dump columns {cols([o[0] for o in OBS])} precision 17\nrun 0\n")


def compare(label, fr, want, name):
    worst = 0.0
    for c in ("d2min", "shear", "vol"):
        worst = max(worst, np.max(np.abs(fr[f"{name}_{c}"] - want[c]) / np.maximum(1.0, np.abs(want[c]))))
    same = np.array_equal(fr[f"{name}_nnb"], want["nnb"]) and np.array_equal(fr[f"{name}_valid"], want["valid"])
    return worst, same


def deformed(wd):
    for label, data, deform in (
            ("orthogonal", "cuzr-glass.data", "deform def xx erate 0.05 1/ps yy erate -0.02 1/ps remap x"),
            ("triclinic", "cuzr-triclinic.data", "deform def xy erate 0.05 1/ps remap x")):
        ids = corner_ids(os.path.join(mt.DATA, data), 4.0)
        deck = deformed_deck(os.path.join(mt.DATA, data), deform, ids)
        want = None
        for np_ in (1, 2, 3, 4):
            d = os.path.join(wd, f"{label}{np_}")
            mt.run_mgmd(deck, d, np_=None if np_ == 1 else np_)
            if want is None:
                ref = mt.read_data(os.path.join(d, "ref.data"))
                cur = mt.read_data(os.path.join(d, "cur.data"))
                pairs = dc.reference_pairs(ref, RC)
                want = {n: dc.d2min_numpy(ref, cur, RC, normalize=norm, mapping=m, pairs=pairs)
                        for n, _, norm, m in OBS}
                w = want["dm"]
                moved = np.isin(w["id"], ids)
                check(len(ids) >= 5 and w["d2min"][moved].mean() > 1.3 * w["d2min"][~moved].mean(),
                      f"{label}: the displaced corner cluster ({len(ids)} atoms) stands out: mean D2min "
                      f"{w['d2min'][moved].mean():.3f} vs {w['d2min'][~moved].mean():.3f} A^2")
            fr = mt.read_dump(os.path.join(d, "d.dump"))[-1]
            for n, opts, _, _ in OBS:
                worst, same = compare(label, fr, want[n], n)
                check(worst <= 1e-10 and same, f"{label} glass, {np_} rank{'s' if np_ > 1 else ''}, {opts}: "
                      f"D2min, shear and volumetric strain of all 500 atoms as NumPy's to {worst:.1e} (<= 1e-10), "
                      "neighbour counts and valid flags equal")


def windows(wd):
    deck = (f"units metal\nread_data {mt.DATA}/cuzr-triclinic.data\n{POT}velocity create 600 K seed 5\n"
            "ensemble nvt temp 600 K tdamp 0.1 ps\ndeform def xy erate 0.1 1/ps remap x\n"
            f"d2min w cutoff {RC} A reference window every 50 at_end no\n"
            f"d2min s cutoff {RC} A reference stage\n"
            f"dump d every 50 file d.dump columns {cols(['w', 's'])} precision 17\n"
            "write_data s0.data\nfor k from 1 to 4\n  run 50\n  write_data s${k}.data\nend\n")
    for np_ in (1, 3):
        d = os.path.join(wd, f"win{np_}")
        mt.run_mgmd(deck, d, np_=None if np_ == 1 else np_)
        frames = {fr["step"]: fr for fr in mt.read_dump(os.path.join(d, "d.dump"))}
        worst, same = 0.0, True
        for k in range(1, 5):
            a = mt.read_data(os.path.join(d, f"s{k - 1}.data"))
            b = mt.read_data(os.path.join(d, f"s{k}.data"))
            want = dc.d2min_numpy(a, b, RC)
            for n in ("w", "s"):
                wk, sk = compare("", frames[50 * k], want, n)
                worst, same = max(worst, wk), same and sk
        check(worst <= 1e-10 and same, f"{np_} rank{'s' if np_ > 1 else ''}: reference window (every 50) and "
              f"reference stage (4 runs of 50): each sample against the one before as NumPy's to {worst:.1e}")


def main():
    with tempfile.TemporaryDirectory() as wd:
        deformed(wd)
        windows(wd)
    check.finish()


if __name__ == "__main__":
    main()
