#!/usr/bin/python3
"""MD-DMA sweeps restart exactly, and tools/dma-fit equals the in-deck fit.

A 108-atom fcc Cu crystal (Cu_u3.eam), a temperature sweep `for T in 80
120 K` whose every pass is one DMA measurement: NVT at T, xy shear
oscillating with amplitude 0.005 and period 1 ps (1000 steps), `dma`
with 1 settling and 3 measured cycles (4,000 steps a pass), the signal
written; checkpoints every 700 steps (mid-cycle). Checks:
- the spectrum table has one row per temperature, the measured
  temperatures near the targets;
- restarted (-restart) from a checkpoint in the first pass's measured
  cycles and from two in the second pass, all mid-cycle: the spectrum
  table and the signal file are byte for byte the uninterrupted run's;
  killed with SIGTERM in the second pass's measured cycles and run again
  with the same command (the deck starts with `restart ck/run optional`):
  the table byte for byte, the signal to 1e-9 (a continuation after a
  signal agrees to round-off);
- tools/dma-fit on the signal file gives every stage's M', M'', tan delta,
  delta and their standard errors as the table to 1e-8 (the signal's 12
  digits), from an independent NumPy implementation.
"""
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import mgmdtest as mt  # noqa: E402

C = mt.Checks()
TOOL = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools", "dma-fit")
DECK = """restart ck/run optional
units metal
create_lattice fcc 3.615 cells 3 3 3 types Cu
potential eam Cu_u3.eam
change_box all triclinic
velocity create 150 K seed 4
checkpoint every 700 file ck/run keep 0
schedule osc sine amplitude 0.005 period 1 ps
dma g strain xy period 1 ps settle 1 cycles 3 file g signal yes
for T in 80 120 K
  ensemble nvt temp ${T} K tdamp 0.1 ps
  deform d xy schedule osc remap x
  run 4000
  unfix d
end
"""
FILES = ("g.csv", "g_signal.csv")


def same(a, b):
    return [f for f in FILES if open(os.path.join(a, f), "rb").read() != open(os.path.join(b, f), "rb").read()]


def read_table(path):
    import csv
    with open(path) as f:
        return [{k.split("[")[0]: v for k, v in r.items()} for r in csv.DictReader(f)]


def main():
    with tempfile.TemporaryDirectory() as wd:
        A = os.path.join(wd, "A")
        mt.run_mgmd(DECK, A)
        rows = read_table(os.path.join(A, "g.csv"))
        temps = [float(r["temp"]) for r in rows]
        C.check(len(rows) == 2 and abs(temps[0] - 80) < 15 and abs(temps[1] - 120) < 20 and
                all(r["cycles"] == "3" for r in rows),
                f"a row per temperature: measured {temps[0]:.1f} K and {temps[1]:.1f} K, 3 cycles each")

        # tools/dma-fit on the signal against the table.
        p = subprocess.run(["/usr/bin/python3", TOOL, os.path.join(A, "g_signal.csv"), "--period", "1"],
                           capture_output=True, text=True)
        fits = re.findall(r"storage M'  = (\S+) \+- (\S+).*?loss    M'' = (\S+) \+- (\S+).*?tan delta   = (\S+) "
                          r"\+- (\S+).*?delta       = (\S+) \+- (\S+) rad", p.stdout, re.S)
        worst = 0.0
        for r, f in zip(rows, fits):
            want = [float(r[k]) for k in ("storage", "storage_se", "loss", "loss_se", "tan_delta", "tan_delta_se",
                                          "delta", "delta_se")]
            got = [float(x) for x in f]
            scale = [abs(float(r["storage"]))] * 4 + [1.0] * 4
            worst = max(worst, max(abs(g - w) / s for g, w, s in zip(got, want, scale)))
        C.check(p.returncode == 0 and len(fits) == 2 and worst < 1e-8,
                f"tools/dma-fit on g_signal.csv: both stages' M', M'', tan delta, delta and their errors as the "
                f"table to {worst:.1e} (of M' or absolute; <= 1e-8)")

        cks = sorted(n for n in os.listdir(os.path.join(A, "ck")) if n.endswith(".h5"))
        tried = []
        for n in cks:
            if len([s for s in tried if s < 4000]) >= 1 and len([s for s in tried if s > 4000]) >= 2:
                break
            sub = os.path.join(wd, "R" + n)
            shutil.copytree(A, sub)
            p = mt.run_mgmd(DECK, sub, args=("-restart", "ck/" + n), check=False)
            m = re.search(r"state of step (\d+)", p.stdout)
            step = int(m.group(1)) if m else -1
            if step % 1000 == 0 or step < 1000 or 4000 <= step < 5000 or (step < 4000 and any(s < 4000 for s in tried)):
                continue  # at a cycle's edge or settling, or the first pass had its restart
            tried.append(step)
            bad = same(A, sub)
            C.check(p.returncode == 0 and not bad, f"restart from step {step} (mid-cycle, pass "
                    f"{1 if step < 4000 else 2}): the table and the signal byte-identical "
                    f"{'(differ: ' + ', '.join(bad) + ')' if bad else ''}")
        C.check(len(tried) >= 2 and any(s > 4000 for s in tried) and any(s < 4000 for s in tried), f"restarts mid-cycle in both passes: {tried}")

        D = os.path.join(wd, "D")
        os.makedirs(D)
        with open(os.path.join(D, "in.deck"), "w") as f:
            f.write(DECK)
        proc = subprocess.Popen(mt.mpi_prefix(None) + [mt.mgmd_binary(), "in.deck"], cwd=D, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True)
        lines, t0 = 0, time.time()
        while proc.poll() is None and lines < 5000 and time.time() - t0 < 300:
            time.sleep(0.01)
            try:
                with open(os.path.join(D, "g_signal.csv")) as f:
                    lines = sum(1 for _ in f)
            except FileNotFoundError:
                pass
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=300)
        killed = proc.returncode
        p = mt.run_mgmd(DECK, D, check=False)
        bad = same(A, D)
        sa = np.loadtxt(os.path.join(A, "g_signal.csv"), delimiter=",", skiprows=1)
        sd = np.loadtxt(os.path.join(D, "g_signal.csv"), delimiter=",", skiprows=1)
        dev = np.max(np.abs(sa - sd) / np.maximum(1e-3, np.abs(sa))) if sa.shape == sd.shape else np.inf
        C.check(killed == 75 and p.returncode == 0 and "g.csv" not in bad and dev < 1e-9,
                f"killed by SIGTERM in the second pass's measured cycles (exit {killed}, 75 expected) and run again: "
                f"exit {p.returncode}, the spectrum table byte-identical, the signal within {dev:.1e} (a signal's "
                "continuation agrees to round-off, docs/checkpoints.md)")
    C.finish()


if __name__ == "__main__":
    main()
