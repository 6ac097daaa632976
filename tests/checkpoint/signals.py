#!/usr/bin/python3
"""Scheduler signals and the job script's resubmit loop.

1. SIGUSR1 to a running mgmd (one rank, and two ranks under mpirun, which
   forwards it): a checkpoint is written, the exit code is 75 and the output
   names the checkpoint; `-restart` finishes the deck, whose thermo CSV is
   then byte for byte that of an uninterrupted run (the checkpoint waits for
   a neighbour-list rebuild, so nothing is perturbed).
2. SIGTERM: a checkpoint at the next rebuild within 5 s (else a forced
   one), exit 75, and the restart finishes with the same thermo rows
   (language-restart checks SIGTERM restarts byte for byte).
3. examples/slurm/mgmd-job.sh, run without Slurm (LAUNCH empty, SUBMIT a
   stand-in for sbatch that runs the script again), on a deck whose
   `checkpoint walltime` stops every job after a quarter of the time the
   uninterrupted run took (so several jobs on any machine): the chain of
   jobs finishes the deck, and its thermo CSV is byte for byte that of one
   uninterrupted run."""
import os
import signal
import stat
import subprocess
import tempfile
import time

from ckcommon import RESUBMIT, Checker, checkpoints, deck, mt, read_bytes

check = Checker()
SRC = os.environ.get("MGMD_SOURCE", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
# The signals arrive at the first progress line, 0.2 s into the run: well
# before its end (about 2 s on one fast core).
text = deck("nvt temp 1500 K tdamp 0.1 ps", 1500, 100000, extra="progress every 0.2 s")


def start(wd, nranks):
    os.makedirs(wd, exist_ok=True)
    with open(os.path.join(wd, "in.deck"), "w") as f:
        f.write(text)
    return subprocess.Popen(mt.mpi_prefix(nranks) + [mt.mgmd_binary(), "in.deck"], cwd=wd,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def wait_progress(p):
    out = ""
    t0 = time.time()
    while time.time() - t0 < 300:
        line = p.stdout.readline()
        if not line:
            break
        out += line
        if line.startswith("progress:"):
            break
    return out


with tempfile.TemporaryDirectory() as wd:
    straight = os.path.join(wd, "straight")
    t0 = time.time()
    mt.run_mgmd(text, straight)
    # The job chain's wall-time limit: a quarter of the whole run on this
    # machine, so the chain has several jobs however fast it is.
    job_walltime = max(0.2, (time.time() - t0) / 4)
    for sig, nranks in ((signal.SIGUSR1, None), (signal.SIGUSR1, 2), (signal.SIGTERM, None)):
        name = f"{signal.Signals(sig).name} np{nranks or 1}"
        run = os.path.join(wd, name.replace(" ", "-"))
        p = start(run, nranks)
        out = wait_progress(p)
        p.send_signal(sig)
        rest, _ = p.communicate(timeout=300)
        out += rest
        stopped = [l for l in out.splitlines() if "stopped" in l]
        check(p.returncode == RESUBMIT and len(checkpoints(run)) == 1 and stopped,
              f"{name}: exit {p.returncode} (want {RESUBMIT}), {stopped[:1]}")
        mt.run_mgmd(text, run, np_=nranks, args=("-restart", "ck/run"))
        same = read_bytes(os.path.join(run, "thermo.csv")) == read_bytes(os.path.join(straight, "thermo.csv"))
        if sig == signal.SIGUSR1 and not nranks:
            check(same, f"{name}: restart finishes; thermo.csv identical to the uninterrupted run")
        else:
            t, r = mt.read_thermo(os.path.join(run, "thermo.csv")), mt.read_thermo(os.path.join(straight, "thermo.csv"))
            ok = len(t["step"]) == len(r["step"]) and (t["step"] == r["step"]).all()
            check(ok, f"{name}: restart finishes; same thermo rows as the uninterrupted run")

    # The job script's loop, without Slurm.
    chain = os.path.join(wd, "chain")
    os.makedirs(chain)
    job_deck = text.replace("checkpoint every 100000 file ck/run keep 20",
                            f"restart ck/run optional\ncheckpoint every 100000 file ck/run keep 3 walltime {job_walltime:.2f} s")
    job_deck = "restart ck/run optional\n" + job_deck.replace("restart ck/run optional\n", "")
    with open(os.path.join(chain, "in.deck"), "w") as f:
        f.write(job_deck)
    fake = os.path.join(chain, "fake-sbatch")
    with open(fake, "w") as f:
        f.write('#!/bin/bash\n# sbatch stand-in: drop options, run the script now\n'
                'while [ "${1#-}" != "$1" ]; do shift; done\nexec bash "$@"\n')
    os.chmod(fake, os.stat(fake).st_mode | stat.S_IEXEC)
    env = dict(os.environ, DECK="in.deck", PREFIX="ck/run", MGMD=mt.mgmd_binary(), LAUNCH="", SUBMIT=fake,
               MAX_JOBS="100", JOB_SCRIPT=os.path.join(SRC, "examples", "slurm", "mgmd-job.sh"))
    p = subprocess.run(["bash", env["JOB_SCRIPT"]], cwd=chain, env=env, capture_output=True, text=True, timeout=900)
    jobs = p.stdout.count("mgmd-job: job ")
    check(p.returncode == 0 and "the deck is finished" in p.stdout and jobs >= 2,
          f"job script: {jobs} jobs, finished (exit {p.returncode})")
    check(read_bytes(os.path.join(chain, "thermo.csv")) == read_bytes(os.path.join(straight, "thermo.csv")),
          "job script: thermo.csv of the chain identical to the uninterrupted run")
check.finish()
