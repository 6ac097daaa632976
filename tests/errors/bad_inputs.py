#!/usr/bin/python3
"""Malformed decks, potential files and data files each give a clear error
naming the file and line and what was expected, exit with status 2 (input
error; 3 for a run that blows up, docs/errors.md), and never crash or hang -- also under mpirun, where
every rank must leave. Each case asserts on the message text."""
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import mgmdtest as mt

POT = "/usr/share/lammps/potentials"
HEAD = "units metal\ncreate_alloy Cu64Zr36 lattice fcc 4.065 A cells 3 3 3 seed 1\n"
GOOD_POT = "potential eam/fs CuZr_mm.eam.fs Cu Zr\n"


def lines_of(path, n=None):
    with open(path) as f:
        text = f.read().split("\n")
    return "\n".join(text[:n] if n else text)


cuzr = lines_of(os.path.join(POT, "CuZr_mm.eam.fs"))
cuni = lines_of(os.path.join(POT, "CuNi.eam.alloy"))
cu_u3 = lines_of(os.path.join(POT, "Cu_u3.eam"))
liquid = lines_of(os.path.join(mt.DATA, "cuzr-liquid.data"))

# (name, deck, {extra file: content}, regex the error must match)
CASES = [
    ("unknown command", HEAD + "frobnicate 3\n", {}, r"in\.deck:3: unknown command 'frobnicate'"),
    ("missing value", "units metal\ntimestep\n", {}, r"in\.deck:2: timestep: missing time step"),
    ("bad unit", "units metal\ntimestep 1 furlong\n", {}, r"in\.deck:2: timestep: unknown time unit 'furlong'.*fs, ps, ns"),
    ("unit of another quantity", "timestep 2 K\n", {}, r"in\.deck:1: timestep: time step is a time, but 'K' is a unit of temperature"),
    ("bad integer", HEAD + GOOD_POT + "run ten\n", {}, r"in\.deck:4: run: number of steps must be an integer, got 'ten'"),
    ("negative steps", HEAD + GOOD_POT + "run -5\n", {}, r"in\.deck:4: run: number of steps must be between 0 and"),
    ("unknown element in composition", "create_alloy Cu64Xx36 lattice fcc 4 A cells 2 2 2 seed 1\n", {},
     r"in\.deck:1: create_alloy: composition 'Cu64Xx36': 'Xx' is not a chemical element"),
    ("unknown keyword", HEAD + "neighbor skin 1.0 A evry 2\n", {}, r"in\.deck:3: neighbor: unknown keyword 'evry'"),
    ("undefined variable", "units metal\nvelocity create ${T} K seed 1\n", {}, r"in\.deck:2: variable 'T' is not defined"),
    ("run without potential", HEAD + "run 10\n", {}, r"in\.deck:3: run: no potential chosen"),
    ("units other than metal", "units real\n", {}, r"in\.deck:1: units: mgmd uses LAMMPS metal units only"),
    ("bad boundary", "boundary p q p\n", {}, r"in\.deck:1: boundary: 'q' for y is not p"),
    ("missing seed", "create_alloy Cu64Zr36 lattice fcc 4 A cells 2 2 2\n", {}, r"in\.deck:1: create_alloy: missing 'seed N'"),
    ("potential: wrong number of elements", HEAD + "potential eam/fs CuZr_mm.eam.fs Cu\n", {},
     r"in\.deck:3: potential eam/fs: expected a file and one element per type for the 2 atom types, got 2 words"),
    ("potential: element not in file", HEAD + "potential eam/fs CuZr_mm.eam.fs Cu Ni\n", {},
     r"in\.deck:3: potential: .*CuZr_mm\.eam\.fs.*'Ni'.*not in the file.*Cu Zr"),
    ("potential: missing file", HEAD + "potential eam/fs nothere.eam.fs Cu Zr\n", {}, r"in\.deck:3: potential: .*nothere\.eam\.fs"),
    ("potential: truncated fs file", HEAD + "potential eam/fs trunc.eam.fs Cu Zr\n", {"trunc.eam.fs": "\n".join(cuzr.split("\n")[:2000])},
     r"in\.deck:3: potential: trunc\.eam\.fs:\d+: expected .*values"),
    ("potential: wrong element count", HEAD + "potential eam/alloy count.eam.alloy Cu Zr\n",
     {"count.eam.alloy": cuni.replace("    2  Ni  Cu", "    3  Ni  Cu", 1)}, r"in\.deck:3: potential: count\.eam\.alloy:4: .*3"),
    ("potential: non-numeric token", "units metal\ncreate_lattice fcc 3.615 A cells 2 2 2 types Cu\npotential eam bad.eam\n",
     {"bad.eam": cu_u3.replace("-3.1561636903424350e-01", "-3.15616x6903424350e-01", 1)}, r"in\.deck:3: potential: bad\.eam:4: .*'-3\.15616x6903424350e-01'"),
    ("data: missing file", "read_data none.data\n", {}, r"in\.deck:1: read_data: cannot open none\.data"),
    ("data: truncated Atoms", "read_data t.data\n", {"t.data": "\n".join(liquid.split("\n")[:100])},
     r"t\.data:\d+: file ends after \d+ of 500 lines of Atoms"),
    ("data: type out of range", "read_data t.data\n", {"t.data": liquid.replace("\n1 1 0.5188", "\n1 7 0.5188", 1)},
     r"t\.data:17: expected 'id type x y z \[ix iy iz\]' with id >= 1 and type 1\.\.2"),
    ("data: bad header", "read_data t.data\n", {"t.data": "title\n\n500 atoms\n2 atom types\n0 10 xlo xhi\n"},
     r"t\.data: header must give 'ylo yhi'"),
    ("data: duplicate atom id", "read_data t.data\n", {"t.data": liquid.replace("\n2 2 11.15", "\n1 2 11.15", 1)},
     r"t\.data:18: atom id 1 appears twice \(first at line 17\)"),
    ("data: velocity of unknown atom", "read_data t.data\n", {"t.data": liquid.replace("\n1 4.4955", "\n999 4.4955", 1)},
     r"t\.data:\d+: velocity for atom id 999, which the Atoms section does not have"),
    ("data: more atoms than declared", "read_data t.data\n", {"t.data": liquid.replace("\n500 atoms", "\n499 atoms", 1)},
     r"t\.data:\d+: more lines than the header declares \(499 atoms"),
    ("velocity before any mass", "read_data t.data\nvelocity create 300 K seed 1\n",
     {"t.data": liquid.replace("Masses\n\n1 63.546\n2 91.224\n\n", "")},
     r"in\.deck:2: velocity create: type 1 has no mass yet"),
    ("shrink-wrapped triclinic", "boundary p p s\nread_data %s/cuzr-triclinic.data\n" % mt.DATA, {},
     r"boundary 's' \(shrink-wrapped\) needs an orthogonal box"),
    ("processors that do not fit", "processors 2 2 2\n" + HEAD, {}, r"in\.deck:1: processors: the grid does not fit the 1 MPI ranks"),
    ("misspelt element after types", "create_lattice fcc 3.6 A cells 2 2 2 types Cx\n", {},
     r"in\.deck:1: create_lattice: 'Cx' after 'types' is not a chemical element"),
    ("negative mindist", "create_alloy Cu64Zr36 atoms 100 density 0.06 A^-3 seed 1 mindist -2 A\n", {},
     r"in\.deck:1: create_alloy: mindist must be >= 0 A"),
    ("overlapping atoms", "read_data t.data\n" + GOOD_POT + "run 0\n", {"t.data": liquid.replace(
        "\n2 2 11.152545352451698 17.233198084661154 16.003454690226015", "\n2 2 0.8188173221124447 13.352434860028156 18.363585880648813", 1)},
     r"atoms (1 and 2|2 and 1) are 0\.3 A apart at step 0, closer than the potential allows \(0\.5\d* A", 3),
    ("blown up (20 fs steps from 5000 K)", "timestep 20 fs\nread_data %s/cuzr-liquid.data\n%svelocity create 5000 K seed 3\nrun 2000\n" % (mt.DATA, GOOD_POT), {},
     r"moved .* more than the skin .*interactions may have been missed", 3),
]

failed = 0
for name, deck, files, pattern, *code in CASES:
    want = code[0] if code else 2
    for np_ in ([None, 3] if name in ("unknown command", "potential: truncated fs file", "data: truncated Atoms") else [None]):
        with tempfile.TemporaryDirectory() as wd:
            for fn, content in files.items():
                with open(os.path.join(wd, fn), "w") as f:
                    f.write(content)
            try:
                p = mt.run_mgmd(deck, wd, np_=np_, timeout=120, check=False)
            except subprocess.TimeoutExpired:
                print(f"FAIL {name}: hung (np={np_})")
                failed += 1
                continue
            msg = p.stderr
            ok = (p.returncode == want if np_ is None else p.returncode != 0) and "ERROR" in msg and re.search(pattern, msg)
            ok = ok and "Segmentation" not in msg and "AddressSanitizer" not in msg and "runtime error" not in msg
            first = next((l for l in msg.split("\n") if "ERROR" in l), msg.strip()[:200])
            print(f"{'ok  ' if ok else 'FAIL'} {name}{'' if np_ is None else ' (3 ranks)'}: exit {p.returncode}: {first}")
            if not ok:
                print("     expected /%s/\n     stderr: %s" % (pattern, msg[-800:]))
                failed += 1
total = sum(2 if c[0] in ("unknown command", "potential: truncated fs file", "data: truncated Atoms") else 1 for c in CASES)
print(f"{total - failed} passed, {failed} failed")
sys.exit(1 if failed else 0)
