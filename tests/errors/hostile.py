#!/usr/bin/python3
"""Hostile and extreme inputs (issue 12): each defect class found by a probe
of a careless or hostile user, on 1 and 3 ranks. Every case must exit
non-zero with its file:line message, leave no sanitizer report, finish
within 60 s and never hold more than 1.5 GB (the memory of all its
processes, read from /proc while it runs: a refusal must come before the
allocation, not from the kernel).

Classes: non-finite numbers in the deck (inf, nan, 1e400, hexadecimal),
values outside the physical range of their quantity (docs/errors.md has
the table), compositions, lattice constants, data files (non-finite
coordinates, huge image flags, counts beyond their limits, NUL bytes,
over-long lines), sizes that cannot fit in memory (cells, atoms in a data
header, the deck's own `memory limit`), deck files that are not text
(NUL, invalid UTF-8, a directory, a FIFO)."""
import os
import re
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import mgmdtest as mt  # noqa: E402

LIMIT = 1.5e9
HEAD = "units metal\ncreate_alloy Cu64Zr36 lattice fcc 4.065 A cells 3 3 3 seed 1\n"
POT = "potential eam/fs CuZr_mm.eam.fs Cu Zr\n"
with open(os.path.join(mt.DATA, "cuzr-liquid.data")) as f:
    LIQUID = f.read()
ATOM1 = "18.363585880648813 0 -1 -1"


def data(old, new):
    assert old in LIQUID, old
    return LIQUID.replace(old, new, 1)


# (name, deck text or bytes, {file: text or bytes}, regex of the message)
CASES = [
    ("skin inf", HEAD + "neighbor skin inf\n", {}, r"in\.deck:3: neighbor: skin must be a finite number, got 'inf'"),
    ("skin huge", HEAD + "neighbor skin 1e10\n", {}, r"in\.deck:3: neighbor: skin must be between -1e\+07 and 1e\+07 A"),
    ("skin beyond its use", HEAD + "neighbor skin 500 A\n", {}, r"in\.deck:3: neighbor: skin must be between 0 and 20 A"),
    ("mass inf", HEAD + "mass 1 inf\n", {}, r"in\.deck:3: mass: .*finite number, got 'inf'"),
    ("mass beyond range", HEAD + "mass 1 1e30\n", {}, r"in\.deck:3: mass: .*between 0 and 10000 g/mol"),
    ("velocity inf", HEAD + POT + "velocity create inf K seed 1\n", {}, r"in\.deck:4: velocity: .*finite number, got 'inf'"),
    ("temperature 1e400", HEAD + POT + "velocity create 1e400 K seed 1\n", {}, r"in\.deck:4: velocity: .*finite number, got '1e400'"),
    ("temperature negative", HEAD + POT + "velocity create -5 K seed 1\n", {}, r"in\.deck:4: velocity: .*between 0 and 1e\+06 K"),
    ("barostat nan", HEAD + POT + "ensemble npt temp 300 K tdamp 0.1 ps press nan bar pdamp 1 ps\n", {},
     r"in\.deck:4: ensemble: .*finite number, got 'nan'"),
    ("pressure beyond range", HEAD + POT + "ensemble npt temp 300 K tdamp 0.1 ps press 1e12 GPa pdamp 1 ps\n", {},
     r"in\.deck:4: ensemble: .*between -1e\+08 and 1e\+08 bar, got 1e12 GPa"),
    ("hexadecimal", "units metal\ntimestep 0x10\n", {}, r"in\.deck:2: timestep: .*must be a number, got '0x10'"),
    ("integer overflow", "units metal\n" + HEAD.split("\n")[1].replace("seed 1", "seed 99999999999999999999") + "\n", {},
     r"in\.deck:2: create_alloy: seed must be between 0 and 9223372036854775807"),
    ("c/a nan", "units metal\ncreate_lattice hcp 3.2 A cells 2 2 2 types Zr covera nan\n", {},
     r"in\.deck:2: create_lattice: c/a ratio must be a finite number"),
    ("composition 1e308", "units metal\ncreate_alloy Cu1e308Zr1e308 atoms 500 density 7 g/cm^3 seed 1\n", {},
     r"in\.deck:2: create_alloy: composition 'Cu1e308Zr1e308': the amount of Cu must be above 0 and at most 1e\+06"),
    ("composition 1e400", "units metal\ncreate_alloy Cu1e400Zr1 atoms 500 density 7 g/cm^3 seed 1\n", {},
     r"in\.deck:2: create_alloy: composition 'Cu1e400Zr1': the amount of Cu is not a finite number"),
    ("lattice constant tiny", "units metal\ncreate_alloy Cu64Zr36 lattice fcc 1e-5 A cells 6 6 6 seed 1\n", {},
     r"in\.deck:2: create_alloy: the lattice constant must be between 0\.5 and 100 A, got 1e-05 A"),
    ("lattice constant absurd", "units metal\ncreate_alloy Cu64Zr36 lattice fcc 1e5 A cells 6 6 6 seed 1\n", {},
     r"in\.deck:2: create_alloy: the lattice constant must be between 0\.5 and 100 A"),
    ("density absurd", "units metal\ncreate_alloy Cu64Zr36 atoms 500 density 1e9 g/cm^3 seed 1\n", {},
     r"in\.deck:2: create_alloy: the density 1e9 g/cm\^3 is .* atoms/A\^3; it must be above 0 and at most 10"),
    ("cells too many for memory", "units metal\ncreate_alloy Cu64Zr36 lattice fcc 4 A cells 2000 2000 2000 seed 1\n", {},
     r"in\.deck:2: create_alloy: building 3\.2e\+10 atoms on \d ranks?: about .* GB per rank needed"),
    ("random atoms too many", "units metal\ncreate_alloy Cu64Zr36 atoms 100000000000 density 7 g/cm^3 seed 1\n", {},
     r"in\.deck:2: create_alloy: building 1e\+11 atoms .* GB per rank needed"),
    ("deck memory limit", "memory limit 1 MB\nunits metal\ncreate_alloy Cu64Zr36 lattice fcc 4 A cells 20 20 20 seed 1\n",
     {}, r"in\.deck:3: create_alloy: building 3\.2e\+04 atoms .* \(the deck's 'memory limit'\)"),
    ("neighbour lists beyond memory", "memory limit 10 MB\nunits metal\ncreate_alloy Cu64Zr36 lattice fcc 4 A cells 10 10 10 "
     "seed 1\n" + POT + "neighbor skin 20 A\nrun 0\n", {},
     r"the neighbour lists \(.* neighbours an atom within 27\.6 A, the cutoff plus the skin.*GB per rank needed"),
    ("data: atoms beyond the file", "units metal\nread_data t.data\n", {"t.data": data("\n500 atoms", "\n100000000000 atoms")},
     r"t\.data: the header says 100000000000 atoms, but the file \(\d+ bytes\) can hold at most \d+ atom lines"),
    ("data: atoms beyond memory", "memory limit 1 MB\nunits metal\nread_data t.data\n",
     {"t.data": data("\n500 atoms", "\n5000 atoms")},
     r"t\.data: the header's 5000 atoms: about .* per rank needed.*the deck's 'memory limit'"),
    ("data: atoms beyond limit", "units metal\nread_data t.data\n", {"t.data": data("\n500 atoms", "\n1e15 atoms")},
     r"t\.data:3: number of atoms '1e15' is not an integer"),
    ("data: types beyond limit", "units metal\nread_data t.data\n", {"t.data": data("2 atom types", "2000000000 atom types")},
     r"t\.data:4: number of atom types 2000000000 is outside 1 \.\. 1000"),
    ("data: huge image flag", "units metal\nread_data t.data\n", {"t.data": data(ATOM1, "18.363585880648813 0 -1 99999999999")},
     r"t\.data:17: image flag 99999999999 is outside -1048575 \.\. 1048575"),
    ("data: nan coordinate", "units metal\nread_data t.data\n", {"t.data": data(ATOM1, "nan 0 -1 -1")},
     r"t\.data:17: coordinate \(A\) 'nan' is not a finite number"),
    ("data: inf box", "units metal\nread_data t.data\n", {"t.data": re.sub(r"\n\S+ (\S+) xlo xhi", r"\n-inf \1 xlo xhi", LIQUID, 1)},
     r"t\.data:\d+: box bound \(A\) '-inf' is not a finite number"),
    ("data: mass inf", "units metal\nread_data t.data\n", {"t.data": data("\n1 63.546", "\n1 inf")},
     r"t\.data:\d+: mass \(g/mol\) 'inf' is not a finite number"),
    ("data: velocity beyond range", "units metal\nread_data t.data\n",
     {"t.data": re.sub(r"(Velocities\n\n1) \S+", r"\1 1e30", LIQUID, 1)},
     r"t\.data:\d+: velocity \(A/ps\) 1e30 is outside -100000 \.\. 100000"),
    ("data: NUL byte", "units metal\nread_data t.data\n", {"t.data": data(ATOM1, "18.363585880648813 0 -1\0 -1")},
     r"t\.data:17: the line holds a NUL byte"),
    ("data: over-long line", "units metal\nread_data t.data\n", {"t.data": data(ATOM1, ATOM1 + " " * 5000)},
     r"t\.data:17: the line is longer than 4095 characters"),
    ("deck: NUL byte", b"units metal\nprint a\0\nbogus command\n", {}, r"deck: in\.deck:2: holds a NUL byte"),
    ("deck: not UTF-8", b"units metal\nprint \xff\xfe\n", {}, r"deck: in\.deck:2: holds a byte sequence that is not UTF-8"),
    ("deck: a directory", None, {"in.deck/": None}, r"deck: in\.deck is not a regular file \(a directory\)"),
    ("deck: a FIFO", None, {"in.deck|": None}, r"deck: in\.deck is not a regular file \(a FIFO"),
    ("include: NUL byte", "units metal\ninclude part.inc\n", {"part.inc": b"print a\0\n"}, r"include: \./part\.inc:1: holds a NUL byte"),
]


def tree_rss(pid):
    """Resident bytes of pid and its descendants."""
    kids = {}
    for p in os.listdir("/proc"):
        if not p.isdigit():
            continue
        try:
            with open(f"/proc/{p}/stat") as f:
                st = f.read()
            kids.setdefault(int(st.rsplit(")", 1)[1].split()[1]), []).append(int(p))
        except OSError:
            continue
    total, todo = 0, [pid]
    while todo:
        q = todo.pop()
        todo += kids.get(q, [])
        try:
            with open(f"/proc/{q}/statm") as f:
                total += int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except OSError:
            pass
    return total


def run(deck, files, np_):
    with tempfile.TemporaryDirectory() as wd:
        for name, content in files.items():
            path = os.path.join(wd, name.rstrip("/|"))
            if name.endswith("/"):
                os.makedirs(path)
            elif name.endswith("|"):
                os.mkfifo(path)
            else:
                with open(path, "wb" if isinstance(content, bytes) else "w") as f:
                    f.write(content)
        if deck is not None:
            with open(os.path.join(wd, "in.deck"), "wb" if isinstance(deck, bytes) else "w") as f:
                f.write(deck)
        p = subprocess.Popen(mt.mpi_prefix(np_) + [mt.mgmd_binary(), "in.deck"], cwd=wd, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, start_new_session=True)
        peak, t0, why = 0, time.time(), ""
        while p.poll() is None:
            peak = max(peak, tree_rss(p.pid))
            if peak > LIMIT or time.time() - t0 > 60:
                why = "over the memory limit" if peak > LIMIT else "hung"
                os.killpg(p.pid, signal.SIGKILL)
                break
            time.sleep(0.02)
        out, err = p.communicate()
        return p.returncode, err.decode(errors="replace"), peak, why


check = mt.Checks()
# The cases run several at once: most of a case's time is MPI's start-up
# waiting, and each watches only its own process tree's memory.
runs = [(name, deck, files, pattern, np_) for name, deck, files, pattern in CASES for np_ in (None, 3)]
results = mt.parallel_map(lambda r: run(r[1], r[2], r[4]), runs)
for (name, deck, files, pattern, np_), (code, err, peak, why) in zip(runs, results):
    ok = not why and code != 0 and re.search(pattern, err) and "ERROR" in err
    ok = ok and "AddressSanitizer" not in err and "runtime error" not in err and "Segmentation" not in err
    first = next((l for l in err.split("\n") if "ERROR" in l), err.strip()[:300])
    check(ok, f"{name} ({np_ or 1} rank{'s' if np_ else ''}): exit {code}, {peak / 1e6:.0f} MB{', ' + why if why else ''}: "
              f"{first[:300]}" + ("" if ok else f"\n     expected /{pattern}/\n     stderr: {err[-600:]}"))
check.finish()
