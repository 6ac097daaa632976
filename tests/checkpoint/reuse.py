#!/usr/bin/python3
"""A checkpoint as the start of a new study, and a restart guarded against a
changed potential.

1. `read_checkpoint FILE` in a new deck gives the same system as `read_data`
   of a data file written at the same moment (write_data prints 17
   significant digits, so both hold the same doubles): 100 NVE steps from
   each end bitwise equal, and the clock starts at 0. Such a deck restarts
   from its own checkpoints like any other.
2. `read_checkpoint PREFIX` takes the newest checkpoint of the series and
   skips a damaged newest one with a warning; a damaged file named
   directly, a missing one and a second system are refused naming the deck
   line.
3. A restart whose potential file has changed since the checkpoint (one
   tabulated value in its 10th significant digit) is refused; the same
   numbers written in another layout are accepted and the continued run ends
   bitwise like the straight one: the checkpoint keeps a hash of the tables,
   not of the file's bytes.
"""
import os
import re
import shutil
import tempfile

import numpy as np

from ckcommon import Checker, atoms_by_id, checkpoints, mt, read_bytes

check = Checker()
POT = "/usr/share/lammps/potentials/CuZr_mm.eam.fs"

GLASS = f"""units metal
timestep 2 fs
read_data {mt.DATA}/cuzr-liquid.data
potential eam/fs CuZr_mm.eam.fs Cu Zr
neighbor skin 1.0
ensemble nvt temp 1500 K tdamp 0.1 ps
checkpoint every 100 file ck/run keep 0
thermo every 10 file thermo.csv
run 300
write_data state.data
write_checkpoint final.h5
"""


def nve(create):
    return f"""units metal
timestep 2 fs
{create}
potential eam/fs CuZr_mm.eam.fs Cu Zr
neighbor skin 1.0
run 100
write_checkpoint after.h5
"""


def same(a, b):
    return all(np.array_equal(a[k], b[k]) for k in ("id", "x", "v", "image"))


def error_line(p):
    return [l for l in (p.stdout + p.stderr).splitlines() if "ERROR" in l][:1]


with tempfile.TemporaryDirectory() as wd:
    glass = os.path.join(wd, "glass")
    mt.run_mgmd(GLASS, glass)
    final = os.path.join(glass, "final.h5")

    # 1. read_checkpoint == read_data of the same moment.
    a, b = os.path.join(wd, "from-ck"), os.path.join(wd, "from-data")
    p = mt.run_mgmd(nve(f"read_checkpoint {final}"), a)
    mt.run_mgmd(nve(f"read_data {glass}/state.data"), b)
    ra, rb = atoms_by_id(os.path.join(a, "after.h5")), atoms_by_id(os.path.join(b, "after.h5"))
    check(same(ra, rb), "read_checkpoint then 100 NVE steps is bitwise read_data of the same moment then 100 steps")
    check(ra["step"] == 100 and abs(ra["time"] - 0.2) < 1e-12,
          f"the clock starts at 0: step {ra['step']}, time {ra['time']} ps after 100 steps")
    check("read_checkpoint: 500 atoms, 2 types from" in p.stdout, "read_checkpoint reports what it read")
    # A deck that began with read_checkpoint restarts like any other.
    c = os.path.join(wd, "from-ck-restarted")
    text = nve(f"read_checkpoint {final}").replace("run 100", "checkpoint every 40 file ck/b keep 0\nrun 100")
    mt.run_mgmd(text, c)
    os.remove(os.path.join(c, "after.h5"))
    for k in checkpoints(c)[1:]:
        os.remove(k)
    mt.run_mgmd(text, c, args=("-restart", "ck/b"))
    check(same(atoms_by_id(os.path.join(c, "after.h5")), ra),
          "a deck begun with read_checkpoint, restarted from its own first checkpoint, ends bitwise the same")

    # 2. A prefix: the newest of the series; a damaged newest is skipped.
    series = checkpoints(glass)
    check(len(series) >= 2, f"the glass deck wrote its series: {[os.path.basename(s) for s in series]}")
    run = os.path.join(wd, "prefix")
    p = mt.run_mgmd(nve(f"read_checkpoint {glass}/ck/run\nwrite_checkpoint start.h5"), run)
    check(series[-1] in p.stdout and same(atoms_by_id(os.path.join(run, "start.h5")), atoms_by_id(series[-1])),
          f"read_checkpoint PREFIX takes the newest, {os.path.basename(series[-1])}")
    damaged = os.path.join(wd, "damaged")
    shutil.copytree(os.path.join(glass, "ck"), os.path.join(damaged, "ck"))
    newest = os.path.join(damaged, "ck", os.path.basename(series[-1]))
    raw = bytearray(read_bytes(newest))
    raw[len(raw) // 2:] = b"\0" * (len(raw) - len(raw) // 2)
    with open(newest, "wb") as f:
        f.write(raw)
    p = mt.run_mgmd(nve("read_checkpoint ck/run\nwrite_checkpoint start.h5"), damaged)
    check("skipping" in p.stdout + p.stderr and os.path.basename(series[-2]) in p.stdout
          and same(atoms_by_id(os.path.join(damaged, "start.h5")), atoms_by_id(series[-2])),
          f"a damaged newest is skipped with a warning; {os.path.basename(series[-2])} is used")
    p = mt.run_mgmd(nve(f"read_checkpoint ck/{os.path.basename(newest)}"), damaged, check=False)
    check(p.returncode == 2 and "in.deck:3: read_checkpoint: ck/" in p.stdout + p.stderr
          and "damaged" in p.stdout + p.stderr,
          f"a damaged file named directly is refused naming the line: {error_line(p)}")
    bad = os.path.join(wd, "bad")
    p = mt.run_mgmd(nve("read_checkpoint nowhere/run"), bad, check=False)
    check(p.returncode == 2 and "in.deck:3" in p.stdout + p.stderr and "no usable checkpoint" in p.stdout + p.stderr,
          f"a missing checkpoint is refused naming the line: {error_line(p)}")
    p = mt.run_mgmd(nve(f"read_data {glass}/state.data\nread_checkpoint {final}"), bad, check=False)
    check(p.returncode == 2 and "must come before the system is created" in p.stdout + p.stderr,
          f"a second system is refused: {error_line(p)}")

    # 3. The potential guard. The deck finds CuZr_mm.eam.fs in its own folder
    # first, so a copy there replaces Debian's file.
    lines = open(POT).read().split("\n")
    first = lines[6].split()
    old = first[1]
    changed = list(lines)
    changed[6] = lines[6].replace(old, "%.9E" % (float(old) * (1 + 1e-9)), 1)
    check(changed[6] != lines[6], f"the changed file differs: '{old}' -> '{changed[6].split()[1]}'")

    def numeric(line):
        try:
            return [float(w) for w in line.split()]
        except ValueError:
            return None

    # The same numbers, one per line in Python's shortest round-trip form.
    relaid = lines[:6]
    for line in lines[6:]:
        v = numeric(line)
        relaid += [repr(x) for x in v] if v else [re.sub(r"\s+", " ", line)]

    def restart_with(name, text):
        run = os.path.join(wd, name)
        shutil.copytree(glass, run)
        for c in checkpoints(run)[1:]:
            os.remove(c)
        os.remove(os.path.join(run, "final.h5"))
        with open(os.path.join(run, "CuZr_mm.eam.fs"), "w") as f:
            f.write(text)
        with open(os.path.join(run, "in.deck"), "w") as f:
            f.write(GLASS)
        return run, mt.run_mgmd(GLASS, run, args=("-restart", "ck/run"), check=False)

    run, p = restart_with("pot-changed", "\n".join(changed))
    out = p.stdout + p.stderr
    check(p.returncode == 2 and "potential tables differ" in out and "run.000001.h5" in out,
          f"a changed potential file is refused: {error_line(p)}")
    run, p = restart_with("pot-relaid", "\n".join(relaid))
    check(p.returncode == 0 and same(atoms_by_id(os.path.join(run, "final.h5")), atoms_by_id(final)),
          f"the same numbers laid out differently restart and end bitwise like the straight run (exit {p.returncode})")
check.finish()
