#!/usr/bin/python3
"""MD-DMA sweeps restart exactly, and tools/dma-fit equals the in-deck fit.

A 108-atom fcc Cu crystal (Cu_u3.eam), a temperature sweep `for T in 80
120 K` whose every pass is an equilibration with the observer paused (`dma
g pause`, 500 steps) and one DMA measurement (`dma g resume`): NVT at T,
xy shear oscillating with amplitude 0.005 and period 1 ps (1000 steps),
1 settling and 3 measured cycles (4,000 steps); then `dma g period 2 ps`
and a third measurement at that period; the signal written; checkpoints
every 700 steps (mid-cycle). Checks:
- the spectrum table has one row per loaded pass (none for the paused
  equilibrations), the measured temperatures near the targets, the
  periods 1, 1 and 2 ps;
- restarted (-restart) from a checkpoint inside the measured cycles of
  each pass, mid-cycle: the spectrum
  table and the signal file are byte for byte the uninterrupted run's;
  killed with SIGTERM in the second pass's measured cycles and run again
  with the same command (the deck starts with `restart ck/run optional`):
  both byte for byte too. (The lists are rebuilt every step: a crystal at
  80 K never needs a rebuild, and a signal's checkpoint then forces one
  after 100 steps, which the uninterrupted run did not make, so the two
  would agree only to round-off, docs/checkpoints.md.)
- tools/plot-dma draws the spectrum;
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

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import mgmdtest as mt  # noqa: E402

C = mt.Checks()
# Under the sanitizers (MGMD_LIGHT=1, tests/dma/CMakeLists.txt): the lists
# are not rebuilt every step, one restart (in the second pass) and no
# SIGTERM run: the same code paths at a fifth of the cost.
LIGHT = os.environ.get("MGMD_LIGHT") == "1"
TOOL = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools", "dma-fit")
DECK = """restart ck/run optional
units metal
create_lattice fcc 3.615 cells 3 3 3 types Cu
potential eam Cu_u3.eam
neighbor skin 1.0 A every 1 delay 0 check no
change_box all triclinic
velocity create 150 K seed 4
checkpoint every 700 file ck/run keep 0
schedule osc sine amplitude 0.005 period 1 ps
dma g strain xy period 1 ps settle 1 cycles 3 file g signal yes
for T in 80 120 K
  dma g pause
  ensemble nvt temp ${T} K tdamp 0.1 ps
  run 500
  dma g resume
  deform d xy schedule osc remap x
  run 4000
  unfix d
end
dma g period 2 ps
schedule osc sine amplitude 0.005 period 2 ps
deform d xy schedule osc remap x
run 8000
"""
# Steps of the measured cycles of each pass (1 settling cycle first).
PASSES = ((1500, 4500), (6000, 9000), (11000, 17000))
FILES = ("g.csv", "g_signal.csv")


def same(a, b):
    return [f for f in FILES if open(os.path.join(a, f), "rb").read() != open(os.path.join(b, f), "rb").read()]


def main():
    deck = DECK.replace("neighbor skin 1.0 A every 1 delay 0 check no\n", "") if LIGHT else DECK
    with tempfile.TemporaryDirectory() as wd:
        A = os.path.join(wd, "A")
        straight = mt.run_mgmd(deck, A).stdout
        # The step of each checkpoint, as the straight run wrote them.
        step_of = mt.checkpoint_steps(straight)
        rows = mt.read_rows(os.path.join(A, "g.csv"))
        temps = [float(r["temp"]) for r in rows]
        C.check(len(rows) == 3 and abs(temps[0] - 80) < 15 and abs(temps[1] - 120) < 20 and
                all(r["cycles"] == "3" for r in rows) and [r["period"] for r in rows] == ["1", "1", "2"],
                f"a row per loaded pass (the paused equilibrations give none): measured {temps[0]:.1f} K and "
                f"{temps[1]:.1f} K at 1 ps, then a 2 ps period ('dma g period 2 ps'), 3 cycles each")

        pp = subprocess.run(["/usr/bin/python3", os.path.join(os.path.dirname(TOOL), "plot-dma"),
                             os.path.join(A, "g.csv")], capture_output=True, text=True)
        C.check(pp.returncode == 0 and mt.is_png(os.path.join(A, "g.png")) and "largest G''" in pp.stdout,
                f"tools/plot-dma draws the spectrum (exit {pp.returncode})")

        # tools/dma-fit on the signal against the table.
        out = ""
        for st, per in ((0, "1"), (1, "1"), (2, "2")):
            p = subprocess.run(["/usr/bin/python3", TOOL, os.path.join(A, "g_signal.csv"), "--period", per,
                                "--stage", str(st)], capture_output=True, text=True)
            out += p.stdout
        fits = re.findall(r"storage M'  = (\S+) \+- (\S+).*?loss    M'' = (\S+) \+- (\S+).*?tan delta   = (\S+) "
                          r"\+- (\S+).*?delta       = (\S+) \+- (\S+) rad", out, re.S)
        worst = 0.0
        for r, f in zip(rows, fits):
            want = [float(r[k]) for k in ("storage", "storage_se", "loss", "loss_se", "tan_delta", "tan_delta_se",
                                          "delta", "delta_se")]
            got = [float(x) for x in f]
            scale = [abs(float(r["storage"]))] * 4 + [1.0] * 4
            worst = max(worst, max(abs(g - w) / s for g, w, s in zip(got, want, scale)))
        C.check(p.returncode == 0 and len(fits) == 3 and worst < 1e-8,
                f"tools/dma-fit on g_signal.csv: the three stages' M', M'', tan delta, delta and their errors as the "
                f"table to {worst:.1e} (of M' or absolute; <= 1e-8)")

        cks = sorted(n for n in os.listdir(os.path.join(A, "ck")) if n.endswith(".h5"))
        tried = {}
        wanted = (1,) if LIGHT else tuple(range(len(PASSES)))
        for n in cks:
            step = step_of.get(n, -1)
            k = [q for q, (lo, hi) in enumerate(PASSES) if lo < step < hi and (step - lo) % (1000 * (q // 2 + 1))]
            if not k or k[0] in tried or k[0] not in wanted:
                continue  # not inside a measured cycle, or that pass has its restart
            sub = os.path.join(wd, "R" + n)
            shutil.copytree(A, sub)
            p = mt.run_mgmd(deck, sub, args=("-restart", "ck/" + n), check=False)
            m = re.search(r"state of step (\d+)", p.stdout)
            C.check(m and int(m.group(1)) == step, f"{n}: the restart resumes at step {step}")
            tried[k[0]] = step
            bad = same(A, sub)
            C.check(p.returncode == 0 and not bad, f"restart from step {step} (mid-cycle, pass {k[0] + 1}): the "
                    f"table and the signal byte-identical{' (differ: ' + ', '.join(bad) + ')' if bad else ''}")
            if len(tried) == len(wanted):
                break
        C.check(len(tried) == len(wanted), f"restarts mid-cycle in every pass asked: steps {sorted(tried.values())}")
        if LIGHT:
            C.finish()
            return

        D = os.path.join(wd, "D")
        os.makedirs(D)
        with open(os.path.join(D, "in.deck"), "w") as f:
            f.write(DECK)
        proc = subprocess.Popen(mt.mpi_prefix(None) + [mt.mgmd_binary(), "in.deck"], cwd=D, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True)
        lines, t0 = 0, time.time()
        while proc.poll() is None and lines < 4800 and time.time() - t0 < 300:
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
        C.check(killed == 75 and p.returncode == 0 and not bad,
                f"killed by SIGTERM in the second pass's measured cycles (exit {killed}, 75 expected) and run again: "
                f"exit {p.returncode}, the table and the signal byte-identical"
                f"{' (differ: ' + ', '.join(bad) + ')' if bad else ''}")
    C.finish()


if __name__ == "__main__":
    main()
