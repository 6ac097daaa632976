#!/usr/bin/python3
"""Soak (label long, issue 12): 1e5 NVT steps of the Cu-Zr liquid on 2
ranks with every output at once, each every 100 steps: a text dump, an
extended-XYZ dump, an H5MD trajectory, checkpoints (keep 3), thermo, and
both observers (Voronoi with per-atom columns in the dump, g(r)). While it
runs, the resident memory (VmRSS) and the open file descriptors of each
rank are read from /proc every 2 s. The run must finish, and over its
second half neither may grow: RSS by at most 2 % plus 4 MB (allocator
noise) between the first and last quarter's medians, open files not at
all (a leak of one descriptor per checkpoint would add 250).

The figures are printed for docs/testing.md. About 10 minutes on two
cores: `ctest -L long -R soak` (or `tools/setup long`)."""
import os
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import mgmdtest as mt  # noqa: E402

STEPS = int(os.environ.get("SOAK_STEPS", "100000"))
DECK = f"""units metal
timestep 2 fs
read_data {mt.DATA}/cuzr-liquid.data
potential eam/fs CuZr_mm.eam.fs Cu Zr
neighbor skin 1.0
ensemble nvt temp 1500 K tdamp 0.1 ps
voronoi vor every 100 file none
rdf gr every 100 file gr
thermo every 100 file thermo.csv
dump d every 100 file traj.dump columns id type x y z vor_n5 vor_cn
dump x every 100 file traj.xyz format xyz columns id type x y z
dump h every 100 file traj.h5md format h5md columns id type x y z
checkpoint every 100 file ck/run keep 3
progress every 10 s
run {STEPS}
"""


def ranks(pid):
    """pids of the mgmd processes below pid."""
    out = []
    for p in os.listdir("/proc"):
        if not p.isdigit():
            continue
        try:
            with open(f"/proc/{p}/stat") as f:
                st = f.read()
        except OSError:
            continue
        if "(mgmd)" not in st:
            continue
        q = int(p)
        while q > 1:  # an ancestor chain up to pid
            try:
                with open(f"/proc/{q}/stat") as f:
                    q = int(f.read().rsplit(")", 1)[1].split()[1])
            except OSError:
                break
            if q == pid:
                out.append(int(p))
                break
    return sorted(out)


def sample(pid):
    with open(f"/proc/{pid}/status") as f:
        rss = next(int(l.split()[1]) * 1024 for l in f if l.startswith("VmRSS:"))
    return rss, len(os.listdir(f"/proc/{pid}/fd"))


check = mt.Checks()
with tempfile.TemporaryDirectory() as wd:
    with open(os.path.join(wd, "in.deck"), "w") as f:
        f.write(DECK)
    t0 = time.time()
    p = subprocess.Popen(mt.mpi_prefix(2) + [mt.mgmd_binary(), "in.deck"], cwd=wd, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, text=True)
    series = {}
    import threading
    out = []
    reader = threading.Thread(target=lambda: out.extend(p.stdout), daemon=True)
    reader.start()
    while p.poll() is None:
        for r in ranks(p.pid):
            try:
                series.setdefault(r, []).append((time.time() - t0,) + sample(r))
            except (OSError, StopIteration):
                pass
        time.sleep(2)
    reader.join(timeout=10)
    took = time.time() - t0
    check(p.returncode == 0, f"the soak run finishes ({STEPS} steps in {took:.0f} s, exit {p.returncode})"
          + ("" if p.returncode == 0 else "".join(out[-30:])))
    for r, s in sorted(series.items()):
        n = len(s)
        if n < 8:
            check(False, f"rank pid {r}: only {n} samples")
            continue
        q1, q4 = s[n // 4: n // 2], s[3 * n // 4:]
        rss1, rss4 = statistics.median(x[1] for x in q1), statistics.median(x[1] for x in q4)
        fd1, fd4 = max(x[2] for x in q1), max(x[2] for x in q4)
        check(rss4 <= rss1 * 1.02 + 4e6,
              f"rank pid {r}: RSS flat over the second half: {rss1 / 1e6:.1f} MB -> {rss4 / 1e6:.1f} MB "
              f"(peak {max(x[1] for x in s) / 1e6:.1f} MB, {n} samples)")
        check(fd4 <= fd1, f"rank pid {r}: open files flat: {fd1} -> {fd4}")
check.finish()
