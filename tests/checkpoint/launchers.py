#!/usr/bin/python3
"""The job script's resubmit loop under mpirun, with the signal sent where
schedulers send it.

examples/slurm/mgmd-job.sh runs the deck with LAUNCH="mpirun -np 2 ..." and
SUBMIT a stand-in for sbatch (it runs the script again at once). At the
first `progress:` line of the first job (`progress every 0.2 s`, a run of
several seconds) the test sends
  SIGUSR1 to mpirun        (mpirun forwards it to the ranks),
  SIGTERM to mpirun        (mpirun forwards nothing: it sends SIGCONT, then
                            SIGTERM after odls_base_sigkill_timeout, 1 s
                            here, then SIGKILL, and exits 1 however the
                            ranks ended),
  SIGUSR1 to the script's shell, and
  SIGTERM to the script's shell (passed to mpirun as SIGUSR2),
and checks for each: the first job stops with a checkpoint, the script
resubmits (once; by mgmd's note ck/run.stopped where mpirun said 1), the
second job finishes the deck, the note is gone, and thermo.csv and the
text dump are byte for byte those of one uninterrupted 2-rank run (SIGTERM
waits for a neighbour-list rebuild, which this liquid makes every ~15
steps, so it is bitwise too)."""
import os
import signal
import stat
import subprocess
import tempfile
import time

from ckcommon import Checker, deck, mt, read_bytes

check = Checker()
SRC = os.environ.get("MGMD_SOURCE", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
SCRIPT = os.path.join(SRC, "examples", "slurm", "mgmd-job.sh")
STEPS = 5000
text = "restart ck/run optional\n" + deck("nvt temp 1500 K tdamp 0.1 ps", STEPS, 100000,
                                          extra="progress every 0.2 s").replace(" every 20 ", " every 400 ")
LAUNCH = " ".join(mt.mpi_prefix(2))


def children(pid):
    """Direct children of pid (from /proc)."""
    out = []
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                if int(fields[1]) == pid:
                    out.append(int(d))
            except (OSError, IndexError, ValueError):
                pass
    return out


def comm(pid):
    try:
        with open(f"/proc/{pid}/comm") as f:
            return f.read().strip()
    except OSError:
        return ""


def chain(wd, sig, target):
    os.makedirs(wd)
    with open(os.path.join(wd, "in.deck"), "w") as f:
        f.write(text)
    fake = os.path.join(wd, "fake-sbatch")
    with open(fake, "w") as f:
        f.write('#!/bin/bash\n# sbatch stand-in: drop options, run the script now\n'
                'while [ "${1#-}" != "$1" ]; do shift; done\nexec bash "$@"\n')
    os.chmod(fake, os.stat(fake).st_mode | stat.S_IEXEC)
    env = dict(os.environ, DECK="in.deck", PREFIX="ck/run", MGMD=mt.mgmd_binary(), LAUNCH=LAUNCH, SUBMIT=fake,
               MAX_JOBS="5", JOB_SCRIPT=SCRIPT, OMPI_MCA_odls_base_sigkill_timeout="1")
    p = subprocess.Popen(["bash", SCRIPT], cwd=wd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                         text=True)
    out = ""
    t0 = time.time()
    while time.time() - t0 < 300:
        line = p.stdout.readline()
        if not line:
            break
        out += line
        if line.startswith("progress:"):
            break
    if target == "mpirun":
        pids = [c for c in children(p.pid) if comm(c) in ("mpirun", "orterun", "mpiexec")]
        pid = pids[0] if pids else None
    else:
        pid = p.pid
    if pid:
        os.kill(pid, sig)
    rest, _ = p.communicate(timeout=900)
    return p.returncode, out + rest, pid


with tempfile.TemporaryDirectory() as wd:
    straight = os.path.join(wd, "straight")
    mt.run_mgmd(text, straight, np_=2)
    for sig in (signal.SIGUSR1, signal.SIGTERM):
        for target in ("mpirun", "shell"):
            name = f"{signal.Signals(sig).name} to {target}"
            run = os.path.join(wd, name.replace(" ", "-"))
            rc, out, pid = chain(run, sig, target)
            jobs = out.count("mgmd-job: job ")
            stopped = [l for l in out.splitlines() if "mgmd: stopped" in l or "the launcher exited" in l]
            ok = (pid and rc == 0 and jobs == 2 and "the deck is finished" in out and "submitting job 2" in out)
            check(ok, f"{name}: {jobs} jobs, exit {rc}, resubmitted once and finished ({stopped[:1]})")
            if not ok:
                print(out[-3000:])
            check(not os.path.exists(os.path.join(run, "ck", "run.stopped")),
                  f"{name}: the stop note is removed when the deck finishes")
            for f in ("thermo.csv", "traj.dump"):
                same = (os.path.exists(os.path.join(run, f)) and
                        read_bytes(os.path.join(run, f)) == read_bytes(os.path.join(straight, f)))
                check(same, f"{name}: {f} of the chain identical to the uninterrupted run")
check.finish()
