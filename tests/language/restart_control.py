#!/usr/bin/python3
"""Restarts inside the deck language (src/deck/restart.c): a study killed
with SIGTERM and continued with -restart finishes with every file byte for
byte that of the uninterrupted run.

A. A sweep (`for T in ... K`, each pass `clear` + read_data + NVT run +
   summary line) killed in the second pass; 1 rank.
B. A chain of points whose body is an included file (`include point.inc`
   inside the loop), killed inside the included file in the second pass;
   2 ranks.
C. A branch whose condition holds when it is decided and not for the
   checkpoint's atoms (`pe` equals its value at step 100, frozen in a string
   variable), killed inside the branch: the restart takes the recorded
   branch, not the one the loaded atoms would give.
D. The deck of A edited above the checkpoint (the NVT damping of the loop's
   body) is refused, naming the statement and where the checkpoint was
   taken; edited below it (the last line) it is accepted.
E. The job script's form: the deck's own `restart ck/run optional` line
   after a variable and an `if`, the same deck run again without
   -restart; killed in the second pass of a loop.

SIGTERM waits up to 100 steps (and 5 s) for a neighbour-list rebuild, which
this liquid makes every few steps, so the checkpoint is one a restart
reproduces bitwise (docs/checkpoints.md). Under the sanitizer build
(MGMD_LIGHT=1) the runs of A, D and E are half as long (B's and C's keep
their length: SIGTERM must land inside them on two ranks): the same
statements, signals and checks at less cost."""
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import mgmdtest as mt  # noqa: E402

check = mt.Checks()
RESUBMIT = 75
LIGHT = os.environ.get("MGMD_LIGHT") == "1"
RUN, LONG = (350 if LIGHT else 700), 900  # steps of A/D/E's runs and C's
HEAD = f"""checkpoint every 1000000 file ck/run
progress every 0.2 s
"""
SYSTEM = f"""units metal
timestep 2 fs
read_data {mt.DATA}/cuzr-liquid.data
potential eam/fs CuZr_mm.eam.fs Cu Zr
neighbor skin 1.0
"""
SWEEP = HEAD + """for T in 800 1000 1200 K
  clear
""" + "".join("  " + l + "\n" for l in SYSTEM.strip().split("\n")) + """  velocity create ${T} K seed 99
  ensemble nvt temp ${T} K tdamp 0.1 ps
  thermo every 25 file thermo_${T}.csv columns step temp pe press pxy
  dump d every 100 file traj_${T}.dump columns id type x y z vx vy vz
  run {RUN}
  print "point ${T}: $(temp:%.12g) $(pe:%.12g)" append summary.txt
end
print "sweep done"
"""
CHAIN = HEAD + SYSTEM + """thermo every 25 file thermo.csv
dump d every 100 file traj.dump columns id type x y z vx vy vz
for T in 900 1000 1100 K
  include parts/point.inc
end
"""
POINT = """ensemble nvt temp ${T} K tdamp 0.1 ps
run 700
print "point ${T}: $(temp:%.12g) $(pe:%.12g)" append summary.txt
"""
BRANCH = HEAD + SYSTEM + """thermo every 25 file thermo.csv
ensemble nvt temp 1000 K tdamp 0.1 ps
run 100
variable e0 string $(pe)
print "before the branch"
if "abs(pe - v_e0) < 1e-6" then
  run {LONG}
  print "branch taken at step 100" append summary.txt
else
  run {LONG}
  print "the other branch" append summary.txt
end
print "after: $(step)" append summary.txt
"""
# The job script's form: `restart ... optional` in the deck, after a
# variable and a decision, so the same deck both starts and resumes.
AFTER = """variable n equal 2*3
if "v_n > 5" then
  print "before the restart line" append summary.txt
end
restart ck/run optional
""" + HEAD + SYSTEM + """thermo every 25 file thermo.csv
for T in 900 1000 K
  ensemble nvt temp ${T} K tdamp 0.1 ps
  run {RUN}
  if "${T} > 950" then
    print "point ${T}: $(temp:%.12g) $(pe:%.12g)" append summary.txt
  end
  print "pass ${T} done"
end
"""
SWEEP, CHAIN, POINT, BRANCH, AFTER = (t.replace("{RUN}", str(RUN)).replace("{LONG}", str(LONG))
                                      for t in (SWEEP, CHAIN, POINT, BRANCH, AFTER))


def outputs(d):
    out = {}
    for root, _, names in os.walk(d):
        if os.path.basename(root) == "ck":
            continue
        for n in names:
            if n.endswith((".csv", ".dump", ".txt")):
                with open(os.path.join(root, n), "rb") as f:
                    out[os.path.relpath(os.path.join(root, n), d)] = f.read()
    return out


def write(d, deck, files):
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "in.deck"), "w") as f:
        f.write(deck)
    for n, text in files.items():
        os.makedirs(os.path.dirname(os.path.join(d, n)), exist_ok=True)
        with open(os.path.join(d, n), "w") as f:
            f.write(text)


def signal_ranks(p, np_):
    """SIGTERM to every rank, as a batch system signals each task of a job
    (mpirun, signalled itself, forwards it late and exits 1)."""
    if not np_:
        p.send_signal(signal.SIGTERM)
        return
    ranks = []
    for pid in os.listdir("/proc"):
        try:
            with open(f"/proc/{pid}/stat") as f:
                st = f.read()
        except OSError:
            continue
        fields = st.rsplit(")", 1)[1].split()
        if pid.isdigit() and int(fields[1]) == p.pid and "(mgmd)" in st:
            ranks.append(int(pid))
    for pid in ranks:
        os.kill(pid, signal.SIGTERM)
    check(len(ranks) == np_, f"SIGTERM sent to the {len(ranks)} rank processes (want {np_})")


def killed(d, np_, marker, progress_lines):
    """Run in.deck in d; after the line starting with `marker`, wait for
    `progress_lines` progress lines (inside the next run), then SIGTERM."""
    p = subprocess.Popen(mt.mpi_prefix(np_) + [mt.mgmd_binary(), "in.deck"], cwd=d, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, text=True)
    out, seen, n = "", not marker, 0
    t0 = time.time()
    while time.time() - t0 < 600:
        line = p.stdout.readline()
        if not line:
            break
        out += line
        seen = seen or line.startswith(marker)
        if seen and line.startswith("progress:"):
            n += 1
            if n == progress_lines:
                signal_ranks(p, np_)
                break
    rest, _ = p.communicate(timeout=600)
    return p.returncode, out + rest


def case(name, deck, files, np_, marker, progress_lines=1, edit=None, restart_args=("-restart", "ck/run")):
    with tempfile.TemporaryDirectory() as wd:
        straight, run = os.path.join(wd, "straight"), os.path.join(wd, "run")
        write(straight, deck, files)
        s = subprocess.run(mt.mpi_prefix(np_) + [mt.mgmd_binary(), "in.deck"], cwd=straight, capture_output=True,
                           text=True, timeout=600)
        write(run, deck, files)
        code, out = killed(run, np_, marker, progress_lines)
        stop = [l for l in out.splitlines() if "stopped (SIGTERM)" in l]
        if name.startswith("C"):
            at = int(stop[0].split(" at step ")[1].split()[0]) if stop else -1
            check(at > 100, f"C: the checkpoint (step {at}) is inside the branch, after step 100")
        check(s.returncode == 0 and code == RESUBMIT and stop,
              f"{name}: SIGTERM stops the run with a checkpoint (exit {code}): {stop[:1]}")
        if edit:
            edit(run, out)
            return
        r = subprocess.run(mt.mpi_prefix(np_) + [mt.mgmd_binary(), *restart_args, "in.deck"], cwd=run,
                           capture_output=True, text=True, timeout=600)
        where = [l.strip() for l in r.stdout.splitlines()
                 if (l.startswith("    ") and l.split()[0] in ("for", "include")) or "resuming" in l]
        a, b = outputs(straight), outputs(run)
        diff = sorted(n for n in set(a) | set(b) if a.get(n) != b.get(n))
        check(r.returncode == 0 and a and not diff,
              f"{name}: the restart finishes (exit {r.returncode}); {len(a)} files byte-identical to the "
              f"uninterrupted run" + (f"; differ: {diff}" if diff else "") + (r.stderr[-500:] if r.returncode else ""))
        return where


w = case("A: sweep, pass 2", SWEEP, {}, None, "point 800:")
check(w and any("pass 2 of 3, T = 1000" in l for l in w), f"A: resumed inside pass 2 of the loop: {w}")

w = case("B: chain, inside the included file, pass 2", CHAIN, {"parts/point.inc": POINT}, 2, "point 900:")
check(w and any("include" in l and "point.inc" in l for l in w) and any("pass 2 of 3" in l for l in w),
      f"B: resumed inside the include of pass 2: {w}")

w = case("C: inside an if branch", BRANCH, {}, None, "before the branch", progress_lines=2)


def refuse_edit_above(run, out):
    with open(os.path.join(run, "in.deck")) as f:
        deck = f.read()
    ck = os.path.join(run, "ck")
    saved = os.path.join(run, "ck.saved")
    shutil.copytree(ck, saved)
    with open(os.path.join(run, "in.deck"), "w") as f:
        f.write(deck.replace("tdamp 0.1 ps", "tdamp 0.2 ps"))
    r = subprocess.run([mt.mgmd_binary(), "-restart", "ck/run", "in.deck"], cwd=run, capture_output=True, text=True,
                       timeout=600)
    check(r.returncode == 2 and "differs from the one the checkpoint's run executed" in r.stderr and
          "in.deck:11:" in r.stderr and "tdamp 0.1 ps" in r.stderr and f"in.deck:14 (run {RUN})" in r.stderr,
          f"D: a deck edited above the checkpoint is refused, naming the line and the checkpoint's place: "
          f"{r.stderr.strip()[:400]}")
    shutil.rmtree(ck)
    shutil.copytree(saved, ck)
    with open(os.path.join(run, "in.deck"), "w") as f:
        f.write(deck.replace('print "sweep done"', 'print "sweep done (edited after the checkpoint)"'))
    r = subprocess.run([mt.mgmd_binary(), "-restart", "ck/run", "in.deck"], cwd=run, capture_output=True, text=True,
                       timeout=600)
    check(r.returncode == 0 and "sweep done (edited after the checkpoint)" in r.stdout,
          f"D: edited below the checkpoint, the restart runs the edited lines (exit {r.returncode})")


case("D: edits", SWEEP, {}, None, "point 800:", edit=refuse_edit_above)

w = case("E: the deck's own restart line after a decision", AFTER, {}, None, "pass 900 done", restart_args=())
check(w and any("pass 2 of 2, T = 1000" in l for l in w), f"E: resumed inside pass 2 of the loop: {w}")
check.finish()
