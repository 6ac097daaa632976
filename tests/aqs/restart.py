#!/usr/bin/python3
"""A restart in the middle of `aqs` continues exactly.

The planted-instability crystal (aqscommon.py) sheared xy in 17 steps of
0.008 (a box flip in increment 13, the avalanche at 16), with a thermo CSV,
a dump every 200 steps (minimiser iterations) and `checkpoint file ck/run
keep 0`. The uninterrupted run (A) writes a checkpoint every 4 increments
(`aqs ... every 4`). Continuations:
- B, C, C2: copies of A's folder (tables complete) restarted from the
  checkpoints after increments 16 (the avalanche's), 12 (before the flip and
  the avalanche) and 8: the tables, thermo CSV and dump are cut back to the
  checkpoint's increment and written again;
- D: a fresh run sent SIGTERM once its table has 6 rows: it writes a
  checkpoint after the increment in progress and exits 75, leaving
  ck/run.stopped; the same command again (the deck starts with `restart
  ck/run optional`) resumes;
- E: no `every`, but `checkpoint every 400` (steps: minimiser iterations):
  checkpoints after the increments where the step count passes multiples of
  400; restarted from the second;
- F: the same on 2 ranks, restarted on 2 ranks from the checkpoint after
  increment 8, against the uninterrupted 2-rank run.
Each continuation's AQS table, avalanche table, thermo CSV, dump and final
data file are byte for byte those of its uninterrupted run, and the output
says where it resumed.
"""
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import aqscommon as ac  # noqa: E402

mt = ac.mt
C = mt.Checks()


def deck(every_inc="every 4", every_steps="", step=0.008, to=0.136):
    return f"""restart ck/run optional
units metal
read_data ../crystal.data
potential eam/fs CuZr_mm.eam.fs Cu Zr
thermo every 50 file thermo.csv
dump d every 200 file traj.dump columns id type x y z fx fy fz
checkpoint {every_steps} file ck/run keep 0
aqs strain xy step {step} to {to} drop 0.05 GPa file out/cu {every_inc}
write_data end.data
"""


FILES = ("out/cu_aqs.csv", "out/cu_avalanches.csv", "thermo.csv", "traj.dump", "end.data")


def same(a, b):
    bad = []
    for f in FILES:
        with open(os.path.join(a, f), "rb") as x, open(os.path.join(b, f), "rb") as y:
            if x.read() != y.read():
                bad.append(f)
    return bad


def run(sub, args=(), np_=None):
    return subprocess.run(mt.mpi_prefix(np_) + [mt.mgmd_binary(), *args, "in.deck"], cwd=sub, capture_output=True,
                          text=True, timeout=600)


def resumed_at(out):
    m = re.search(r"aqs: resuming after increment (\d+)", out)
    return int(m.group(1)) if m else None


with tempfile.TemporaryDirectory() as wd:
    ac.write_crystal(os.path.join(wd, "crystal.data"))
    A = os.path.join(wd, "A")
    mt.run_mgmd(deck(), A)
    C.check(all(os.path.exists(os.path.join(A, f"ck/run.{k:06d}.h5")) for k in (1, 2, 3, 4)),
            "A: checkpoints after increments 4, 8, 12, 16")

    for name, ck, inc in (("B", 4, 16), ("C", 3, 12), ("C2", 2, 8)):
        sub = os.path.join(wd, name)
        shutil.copytree(A, sub)
        p = run(sub, ["-restart", f"ck/run.{ck:06d}.h5"])
        bad = same(A, sub)
        C.check(p.returncode == 0 and resumed_at(p.stdout) == inc and not bad,
                f"{name}: restart from checkpoint {ck}: exit {p.returncode}, resumed after increment "
                f"{resumed_at(p.stdout)} (expected {inc}); differing files: {bad or 'none'}")

    D = os.path.join(wd, "D")
    os.makedirs(D)
    with open(os.path.join(D, "in.deck"), "w") as f:
        f.write(deck())
    proc = subprocess.Popen([mt.mgmd_binary(), "in.deck"], cwd=D, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)
    rows, t0 = 0, time.time()
    while proc.poll() is None and rows < 7 and time.time() - t0 < 300:
        time.sleep(0.01)
        try:
            with open(os.path.join(D, "out/cu_aqs.csv")) as f:
                rows = sum(1 for _ in f)
        except FileNotFoundError:
            pass
    proc.send_signal(signal.SIGTERM)
    out1 = proc.communicate(timeout=300)[0]
    note = open(os.path.join(D, "ck/run.stopped")).read() if os.path.exists(os.path.join(D, "ck/run.stopped")) else ""
    C.check(proc.returncode == 75 and "reason SIGTERM" in note,
            f"D: SIGTERM with {rows - 1} increments tabulated: exit {proc.returncode} (75), note: "
            f"{note.strip().splitlines()[-1] if note else 'none'}")
    p = run(D)
    bad = same(A, D)
    C.check(p.returncode == 0 and resumed_at(p.stdout) is not None and not bad,
            f"D: rerun of the same command resumed after increment {resumed_at(p.stdout)}: exit {p.returncode}; "
            f"differing files: {bad or 'none'}")

    E = os.path.join(wd, "E")
    mt.run_mgmd(deck(every_inc="", every_steps="every 400"), E)
    E2 = os.path.join(wd, "E2")
    shutil.copytree(E, E2)
    p = run(E2, ["-restart", "ck/run.000002.h5"])
    bad = same(A, E2)
    C.check(p.returncode == 0 and resumed_at(p.stdout) is not None and not bad,
            f"E: checkpoint every 400 steps, restart from the second: resumed after increment "
            f"{resumed_at(p.stdout)}, exit {p.returncode}; differing files (against A): {bad or 'none'}")

    F = os.path.join(wd, "F")
    mt.run_mgmd(deck(), F, np_=2)
    F2 = os.path.join(wd, "F2")
    shutil.copytree(F, F2)
    p = run(F2, ["-restart", "ck/run.000002.h5"], np_=2)
    bad = same(F, F2)
    C.check(p.returncode == 0 and resumed_at(p.stdout) == 8 and not bad,
            f"F: 2 ranks, restart from checkpoint 2: resumed after increment {resumed_at(p.stdout)}, exit "
            f"{p.returncode}; differing files: {bad or 'none'}")
C.finish()
