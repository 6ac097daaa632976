#!/usr/bin/python3
"""`d2min ... reference file PATH`: the reference from a LAMMPS data file or
an mgmd checkpoint of the same atoms, matched by id.

- The same configuration three ways: a glass run 100 steps at 300 K, then
  sheared (deform xy) for 200 steps with `reference stage`, with `reference
  file` of a data file written at the stage's start (its Atoms lines
  shuffled, so only the ids match them) and with `reference file` of a
  checkpoint written there. Every sample's D2min, shear and volumetric
  strain of every atom agree to 1e-10 (the same numbers, summed in another
  order: the file references build the observer's shell at another width)
  and the neighbour counts are equal; on 1 and 3 ranks.
- A reference that is not the present configuration: the glass's original
  data file, against which the atoms have moved for 300 steps (the shell
  must be widened by their displacements): every atom as the independent
  NumPy implementation (d2common) between that file and the final one, to
  1e-10.
- Refusals: another atom's type in the reference (the ids match, the atoms
  do not), an id missing from it.
"""
import os
import random
import re
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import d2common as dc  # noqa: E402

mt = dc.mt
check = mt.Checks()
RC = 5.0
GLASS = os.path.join(mt.DATA, "cuzr-triclinic.data")
PREFIX = f"""units metal
read_data {GLASS}
potential eam/fs CuZr_mm.eam.fs Cu Zr
velocity create 300 K seed 3
ensemble nvt temp 300 K tdamp 0.1 ps
run 100
deform def xy erate 0.1 1/ps remap x
"""


def cols(names):
    return "id " + " ".join(f"{n}_{c}" for n in names for c in ("d2min", "shear", "vol", "nnb", "valid"))


def shuffle_atoms(src, dst, seed=1):
    """Copy a data file with its Atoms lines in random order."""
    lines = open(src).read().split("\n")
    a = lines.index("Atoms # atomic") if "Atoms # atomic" in lines else lines.index("Atoms")
    b = a + 2
    e = b
    while e < len(lines) and lines[e].strip():
        e += 1
    body = lines[b:e]
    random.Random(seed).shuffle(body)
    open(dst, "w").write("\n".join(lines[:b] + body + lines[e:]))
    return body


def same_three(wd):
    for np_ in (1, 3):
        d = os.path.join(wd, f"same{np_}")
        npx = None if np_ == 1 else np_
        mt.run_mgmd(PREFIX + "write_data start.data\nwrite_checkpoint start.h5\n", d, np_=npx)
        shuffle_atoms(os.path.join(d, "start.data"), os.path.join(d, "shuffled.data"))
        deck = (PREFIX + f"d2min s cutoff {RC} A reference stage every 50\n"
                f"d2min f cutoff {RC} A reference file shuffled.data every 50\n"
                f"d2min c cutoff {RC} A reference file start.h5 every 50 file c\n"
                f"d2min g cutoff {RC} A reference file {GLASS} every 50\n"
                f"dump d every 50 file d.dump columns {cols(['s', 'f', 'c', 'g'])} precision 17\n"
                "run 200\nwrite_data cur.data\n")
        p = mt.run_mgmd(deck, d, np_=npx)
        frames = mt.read_dump(os.path.join(d, "d.dump"))
        worst, same, moved = 0.0, True, 0.0
        for fr in frames:
            for n in ("f", "c"):
                for c in ("d2min", "shear", "vol"):
                    a, b = fr[f"s_{c}"], fr[f"{n}_{c}"]
                    worst = max(worst, np.max(np.abs(a - b) / np.maximum(1.0, np.abs(a))))
                same = same and np.array_equal(fr["s_nnb"], fr[f"{n}_nnb"]) and \
                    np.array_equal(fr["s_valid"], fr[f"{n}_valid"])
            moved = max(moved, fr["s_d2min"].max())
        rk = f"{np_} rank{'s' if np_ > 1 else ''}"
        check(len(frames) == 5 and moved > 0.1 and worst <= 1e-10 and same,
              f"{rk}: reference file (a data file with shuffled atoms, a checkpoint) equals reference stage in all "
              f"{len(frames)} samples to {worst:.1e} (<= 1e-10; largest D2min {moved:.3g} A^2), neighbour counts "
              "and valid flags equal")
        check("shuffled.data (atoms matched by id)" in p.stdout, f"{rk}: the observer says its reference file")
        rows = open(os.path.join(d, "c.csv")).read().split("\n")[1:]
        check(rows[0].split(",")[2] == "-1", f"{rk}: the table's reference_step is -1 for a file reference")

        ref = mt.read_data(GLASS)
        cur = mt.read_data(os.path.join(d, "cur.data"))
        want = dc.d2min_numpy(ref, cur, RC)
        fr = frames[-1]
        o = np.argsort(fr["id"])
        w = max(np.max(np.abs(fr[f"g_{c}"][o] - want[c]) / np.maximum(1.0, np.abs(want[c])))
                for c in ("d2min", "shear", "vol"))
        disp = np.linalg.norm(mt.unwrapped(cur) - mt.unwrapped(ref), axis=1).max()
        check(w <= 1e-10 and np.array_equal(fr["g_nnb"][o], want["nnb"]),
              f"{rk}: reference file of the glass the run started from (atoms up to {disp:.2f} A away): every atom "
              f"as NumPy's to {w:.1e} (<= 1e-10)")


def refusals(wd):
    d = os.path.join(wd, "refuse")
    mt.run_mgmd(PREFIX + "write_data start.data\n", d)
    body = shuffle_atoms(os.path.join(d, "start.data"), os.path.join(d, "shuffled.data"), seed=2)
    lines = open(os.path.join(d, "shuffled.data")).read().split("\n")
    first = body[0].split()
    swapped = " ".join([first[0], "2" if first[1] == "1" else "1"] + first[2:])
    k = lines.index(body[0])
    open(os.path.join(d, "typed.data"), "w").write("\n".join(lines[:k] + [swapped] + lines[k + 1:]))
    renum = lines[:k] + [" ".join(["999999"] + first[1:])] + lines[k + 1:]
    v = renum.index("Velocities")
    renum = renum[:v] + [" ".join(["999999"] + w.split()[1:]) if w.split()[:1] == [first[0]] else w
                         for w in renum[v:]]
    open(os.path.join(d, "renum.data"), "w").write("\n".join(renum))
    for name, want in (("typed.data", f"1 atom of the reference .*typed.data \\(first: id {first[0]}\\) have another "
                        "type than now: not the same atoms"),
                       ("renum.data", "1 atom id of the system are not in the reference .*renum.data")):
        p = mt.run_mgmd(PREFIX + f"d2min r reference file {name}\nrun 0\n", os.path.join(wd, "refuse"), check=False)

        ok = p.returncode == 2 and re.search(r"in\.deck:8: d2min r: " + want, p.stdout + p.stderr)
        check(ok, f"reference {name}: refused (exit {p.returncode}) naming the deck line and what differs")


def main():
    with tempfile.TemporaryDirectory() as wd:
        same_three(wd)
        refusals(wd)
    check.finish()


if __name__ == "__main__":
    main()
