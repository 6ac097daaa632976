"""Helpers shared by mgmd's Python tests: run mgmd (optionally under mpirun),
read its thermo CSV and LAMMPS data files. Standard library + numpy only."""
import csv
import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "data")


def mgmd_binary():
    exe = os.environ.get("MGMD")
    if exe:
        return exe
    return os.path.join(HERE, "..", "build", "mgmd")


def mpi_prefix(np_):
    if np_ is None:
        return []
    # Unbound: Open MPI pins small jobs to the lowest cores, and concurrent
    # tests (ctest -j) would all share core 0.
    cmd = ["mpirun", "--oversubscribe", "--bind-to", "none", "-np", str(np_)]
    if os.getuid() == 0:
        cmd.insert(1, "--allow-run-as-root")
    return cmd


def run_mgmd(deck_text, workdir, np_=None, args=(), timeout=1200, check=True, env=None):
    """Write deck_text to workdir/in.deck and run mgmd there (env: variables
    added to the environment). Returns the CompletedProcess; raises with
    mgmd's output if check and it failed."""
    os.makedirs(workdir, exist_ok=True)
    deck = os.path.join(workdir, "in.deck")
    with open(deck, "w") as f:
        f.write(deck_text)
    cmd = mpi_prefix(np_) + [mgmd_binary(), *args, "in.deck"]
    p = subprocess.run(cmd, cwd=workdir, capture_output=True, text=True, timeout=timeout,
                       env=dict(os.environ, **env) if env else None)
    if check and p.returncode != 0:
        sys.stderr.write(p.stdout[-4000:] + p.stderr[-4000:])
        raise RuntimeError("mgmd failed (exit %d): %s" % (p.returncode, " ".join(cmd)))
    return p


def read_thermo(path):
    """Thermo CSV -> dict of numpy arrays keyed by column name without unit."""
    with open(path) as f:
        header = f.readline().strip().split(",")
    names = [h.split("[")[0] for h in header]
    data = np.loadtxt(path, delimiter=",", skiprows=1, ndmin=2)
    return {n: data[:, k] for k, n in enumerate(names)}


def read_rows(path):
    """A CSV table with text columns (a spectrum table's `mode`) -> a list of
    dicts of strings keyed by column name without unit."""
    with open(path) as f:
        return [{k.split("[")[0]: v for k, v in r.items()} for r in csv.DictReader(f)]


def checkpoint_steps(stdout, prefix="ck/run"):
    """{checkpoint file name: its step} from a run's screen output (the step
    a checkpoint holds can be deferred to the next neighbour-list rebuild)."""
    pat = re.escape(prefix + ".") + r"(\d+\.h5) \(step (\d+)"
    return {os.path.basename(prefix) + "." + m.group(1): int(m.group(2))
            for m in re.finditer(r"checkpoint: " + pat, stdout)}


def parallel_map(fn, items, threads=4):
    """fn over items, several at once (MGMD_TEST_THREADS overrides the
    count), results in order: for independent short runs whose time is
    MPI's start-up waiting, not CPU."""
    with ThreadPoolExecutor(int(os.environ.get("MGMD_TEST_THREADS", str(threads)))) as pool:
        return list(pool.map(fn, items))


def read_data(path):
    """LAMMPS data file (atomic) -> dict with box, ids, types, x, image, v,
    masses; atoms sorted by id."""
    out = {"tilt": np.zeros(3), "masses": {}}
    lo, hi = np.zeros(3), np.zeros(3)
    with open(path) as f:
        lines = f.read().split("\n")
    section, rows = None, {"Atoms": [], "Velocities": [], "Masses": []}
    for line in lines[1:]:
        s = line.split("#")[0].strip()
        if not s:
            continue
        w = s.split()
        if w[0] in rows:
            section = w[0]
            continue
        if section is None:
            if len(w) >= 4 and w[2].endswith("lo"):
                k = "xyz".index(w[2][0])
                lo[k], hi[k] = float(w[0]), float(w[1])
            elif len(w) == 6 and w[3] == "xy":
                out["tilt"] = np.array([float(v) for v in w[:3]])
            continue
        rows[section].append([float(v) for v in w])
    a = np.array(rows["Atoms"])
    order = np.argsort(a[:, 0])
    a = a[order]
    out["lo"], out["hi"] = lo, hi
    out["id"] = a[:, 0].astype(np.int64)
    out["type"] = a[:, 1].astype(int)
    out["x"] = a[:, 2:5]
    out["image"] = a[:, 5:8].astype(int) if a.shape[1] >= 8 else np.zeros((len(a), 3), int)
    if rows["Velocities"]:
        v = np.array(rows["Velocities"])
        v = v[np.argsort(v[:, 0])]
        out["v"] = v[:, 1:4]
    for m in rows["Masses"]:
        out["masses"][int(m[0])] = m[1]
    return out


def read_dump(path):
    """mgmd text dump (LAMMPS format) -> list of frames, each a dict of
    numpy columns sorted by id, with 'step'."""
    frames = []
    with open(path) as f:
        lines = f.read().split("\n")
    k = 0
    while k < len(lines):
        if lines[k].startswith("ITEM: TIMESTEP"):
            step = int(lines[k + 1])
            n = int(lines[k + 3])
            k += 4
            while not lines[k].startswith("ITEM: ATOMS"):
                k += 1
            cols = lines[k].split()[2:]
            rows = np.array([[float(v) for v in lines[k + 1 + r].split()] for r in range(n)]).reshape(n, len(cols))
            order = np.argsort(rows[:, cols.index("id")])
            fr = {c: rows[order, q] for q, c in enumerate(cols)}
            fr["step"] = step
            frames.append(fr)
            k += 1 + n
        else:
            k += 1
    return frames


def unwrapped(d):
    """Unwrapped positions x + H image (H columns: a, b, c edge vectors)."""
    L = d["hi"] - d["lo"]
    xy, xz, yz = d["tilt"]
    H = np.array([[L[0], xy, xz], [0, L[1], yz], [0, 0, L[2]]])
    return d["x"] + d["image"] @ H.T


class Checks:
    """A tally of checks: each prints `ok`/`FAIL` and its message; finish()
    prints `N passed, M failed` and exits 1 if any failed. Call it as
    checks(ok, message) or checks.check(ok, message); checks.named(name, ok,
    detail) puts the name first and shows detail only on failure."""

    def __init__(self):
        self.passed = self.failed = 0

    def check(self, ok, msg):
        ok = bool(ok)
        if ok:
            self.passed += 1
        else:
            self.failed += 1
        print(("ok   " if ok else "FAIL ") + msg)
        sys.stdout.flush()
        return ok

    __call__ = check

    def named(self, name, ok, detail=""):
        return self.check(ok, name + ("" if ok or not detail else ": " + str(detail)))

    def summary(self):
        """Print the counts; return the exit status."""
        print(f"{self.passed} passed, {self.failed} failed")
        return 1 if self.failed else 0

    def finish(self):
        sys.exit(self.summary())


def is_png(path, min_bytes=10000):
    """A PNG (signature, IHDR first) larger than min_bytes: an empty
    matplotlib figure is ~5 kB, so 10 kB means something was drawn."""
    if not os.path.exists(path):
        return False
    with open(path, "rb") as f:
        head = f.read(16)
    return head == b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" and os.path.getsize(path) > min_bytes
