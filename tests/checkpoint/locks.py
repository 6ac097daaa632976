#!/usr/bin/python3
"""One writer per file, one job per study (src/io/claim.c).

1. Two outputs of one deck on one file are refused, naming both: two dumps
   (one spelled ./traj.dump), thermo and a dump, a print file that is the
   thermo file, a write_checkpoint onto the thermo file, an H5MD dump and a
   text dump. Reuse is not refused: a dump's file after `undump`, a sweep
   writing thermo_${T}.csv per pass, many prints to one file.
2. A second mgmd on a study whose first job (2 ranks, stopped with SIGSTOP
   so its files hold still) is running: refused (exit 2) before it writes
   anything, naming the holder (host and pid of PREFIX.lock, or F_GETLK's
   pid for the thermo file when the deck has no restart line); the first
   job's files are unchanged. After the first job dies by SIGKILL (mpirun
   and its ranks, as a scheduler kills them), `-restart` proceeds despite
   the stale lock file and finishes with thermo.csv and the dump byte for
   byte those of one uninterrupted run."""
import os
import signal
import socket
import subprocess
import tempfile
import time

from ckcommon import Checker, deck, mt, read_bytes

check = Checker()
HEAD = f"""units metal
timestep 2 fs
read_data {mt.DATA}/cuzr-liquid.data
potential eam/fs CuZr_mm.eam.fs Cu Zr
neighbor skin 1.0
"""
REFUSED = [
    ("two dumps", "dump d1 every 10 file traj.dump columns id x\ndump d2 every 10 file ./traj.dump columns id type\n",
     "in.deck:7: dump d2: ./traj.dump is already written by dump d1 (in.deck:6)"),
    ("thermo and a dump", "thermo every 5 file out.csv\ndump d1 every 10 file out.csv columns id x\n",
     "in.deck:7: dump d1: out.csv is already written by thermo (in.deck:6)"),
    ("print onto thermo", "thermo every 5 file out.csv\nrun 10\nprint \"hello\" file out.csv\n",
     "in.deck:8: print: out.csv is already written by thermo (in.deck:6)"),
    ("checkpoint onto thermo", "thermo every 5 file out.csv\nrun 10\nwrite_checkpoint out.csv\n",
     "in.deck:8: checkpoint: out.csv is already written by thermo (in.deck:6)"),
    ("h5md and text dump", "dump h every 10 file t.h5 format h5md columns id type x y z\n"
     "dump d every 10 file t.h5 columns id\n", "in.deck:7: dump d: t.h5 is already written by dump h (in.deck:6)"),
]
ALLOWED = """dump d1 every 10 file traj.dump columns id x
run 20
undump d1
dump d2 every 10 file traj.dump columns id type
for T in 300 400
  thermo every 5 file thermo_${T}.csv
  print "pass ${T}" append notes.txt
  run 10
end
"""

with tempfile.TemporaryDirectory() as wd:
    for name, body, want in REFUSED:
        run = os.path.join(wd, name.replace(" ", "-"))
        p = mt.run_mgmd(HEAD + body + "run 10\n", run, check=False)
        err = p.stderr + p.stdout
        check(p.returncode == 2 and want in err, f"refused, {name}: exit {p.returncode}, "
              f"{[l for l in err.splitlines() if 'ERROR' in l][:1]}")
    run = os.path.join(wd, "allowed")
    p = mt.run_mgmd(HEAD + ALLOWED, run, check=False)
    check(p.returncode == 0 and os.path.exists(os.path.join(run, "thermo_400.csv")),
          f"a file reused after undump, a sweep of thermo files, prints to one file: exit {p.returncode} "
          f"{(p.stderr or '')[-300:]}")

    # 2. Locks across jobs.
    text = "restart ck/run optional\n" + deck("nvt temp 1500 K tdamp 0.1 ps", 3000, 200,
                                              extra="progress every 0.2 s").replace(" every 20 ", " every 400 ")
    straight = os.path.join(wd, "straight")
    mt.run_mgmd(text, straight, np_=2)
    study = os.path.join(wd, "study")
    os.makedirs(study)
    with open(os.path.join(study, "in.deck"), "w") as f:
        f.write(text)
    # The same deck without its restart line: the thermo file's lock refuses.
    with open(os.path.join(study, "plain.deck"), "w") as f:
        f.write(text.replace("restart ck/run optional\n", ""))
    first = subprocess.Popen(mt.mpi_prefix(2) + [mt.mgmd_binary(), "in.deck"], cwd=study, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True)
    t0 = time.time()
    while time.time() - t0 < 300:  # the first periodic checkpoint
        line = first.stdout.readline()
        if not line or line.startswith("checkpoint: ck/run.000001.h5"):
            break
    ranks = []
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/stat") as f:
                    if int(f.read().rsplit(")", 1)[1].split()[1]) == first.pid:
                        ranks.append(int(d))
            except (OSError, ValueError, IndexError):
                pass
    for r in ranks:  # frozen, files still, locks held
        os.kill(r, signal.SIGSTOP)
    time.sleep(0.5)
    lockfile = os.path.join(study, "ck", "run.lock")
    holder = open(lockfile).read().split() if os.path.exists(lockfile) else ["?", "?"]
    check(len(holder) == 2 and holder[0] == socket.gethostname() and int(holder[1]) in ranks,
          f"ck/run.lock names the first job's rank 0: {holder} (ranks {ranks})")

    def snapshot():
        out = {}
        for root, _, names in os.walk(study):
            for n in names:
                if not n.endswith(".deck"):
                    out[os.path.join(root, n)] = read_bytes(os.path.join(root, n))
        return out

    before = snapshot()
    for how, args in (("-restart", ["-restart", "ck/run", "in.deck"]), ("restart line", ["in.deck"]),
                      ("no restart line", ["plain.deck"])):
        p = subprocess.run([mt.mgmd_binary(), *args], cwd=study, capture_output=True, text=True, timeout=300)
        err = p.stderr + p.stdout
        named = (f"ck/run.lock is held by pid {holder[1]} on host {holder[0]}" in err if how != "no restart line" else
                 f"thermo.csv is being written by process {holder[1]}" in err)
        check(p.returncode == 2 and named, f"a second job ({how}) is refused naming the holder: exit "
              f"{p.returncode}, {[l for l in err.splitlines() if 'ERROR' in l][:1]}")
        check(snapshot() == before, f"a second job ({how}) changes none of the first job's files")
    # The scheduler's kill: mpirun and every rank, at once.
    for r in ranks:
        os.kill(r, signal.SIGKILL)
    first.kill()
    first.communicate()
    p = mt.run_mgmd(text, study, np_=2, args=("-restart", "ck/run"), check=False)
    check(p.returncode == 0, f"after SIGKILL the restart proceeds past the stale lock file (exit {p.returncode}) "
          f"{p.stderr[-300:]}")
    for f in ("thermo.csv", "traj.dump"):
        check(read_bytes(os.path.join(study, f)) == read_bytes(os.path.join(straight, f)),
              f"the restart after SIGKILL: {f} identical to the uninterrupted run")
check.finish()
