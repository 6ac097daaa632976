#!/usr/bin/python3
"""Nothing is lost when a run dies while writing a checkpoint, and a damaged
checkpoint is refused with the reason.

1. SIGKILL at three points of a checkpoint write (after the per-atom data,
   before the file is closed, after it is flushed but before the rename;
   MGMD_TEST_CHECKPOINT_STALL holds the writer there): the previous
   checkpoint is intact, `-restart PREFIX` takes it, and the continued run
   ends bitwise like the straight one.
2. A truncated copy, a copy with bytes flipped in the atom data, a file that
   is not HDF5, an HDF5 file that is not a checkpoint and one of another
   format version are each refused with a message naming the problem
   (exit 2); given a prefix, mgmd skips the damaged newest file with a
   warning and restarts from the one before."""
import os
import shutil
import signal
import subprocess
import tempfile
import time

import numpy as np

from ckcommon import Checker, atoms_by_id, checkpoints, deck, mt, read_bytes

check = Checker()
text = deck("nvt temp 1500 K tdamp 0.1 ps", 200, 50)
with tempfile.TemporaryDirectory() as wd:
    straight = os.path.join(wd, "straight")
    mt.run_mgmd(text, straight)
    ref_final = atoms_by_id(os.path.join(straight, "final.h5"))

    def killed_at(phase, seq, run):
        """Run the deck, SIGKILL it while it writes checkpoint `seq` at `phase`."""
        os.makedirs(run)
        with open(os.path.join(run, "in.deck"), "w") as f:
            f.write(text)
        env = dict(os.environ, MGMD_TEST_CHECKPOINT_STALL=f"{phase}:60:{seq}")
        p = subprocess.Popen([mt.mgmd_binary(), "in.deck"], cwd=run, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True, env=env)
        t0 = time.time()
        while time.time() - t0 < 120:
            line = p.stdout.readline()
            if not line or "stalling" in line:
                break
        p.send_signal(signal.SIGKILL)
        p.wait()
        return sorted(n for n in os.listdir(os.path.join(run, "ck")) if not n.endswith((".lock", ".stopped")))

    names = killed_at("rename", 1, os.path.join(wd, "kill-first"))
    check(names == ["run.000001.h5.tmp"], f"killed during the first write: no file under a checkpoint name {names}")
    for phase in ("atoms", "close", "rename"):
        run = os.path.join(wd, "kill-" + phase)
        names = killed_at(phase, 2, run)
        check([n for n in names if n.endswith(".h5")] == ["run.000001.h5"],
              f"killed writing the 2nd checkpoint at '{phase}': the 1st survives {names}")
        mt.run_mgmd(text, run, args=("-restart", "ck/run"))
        fin = atoms_by_id(os.path.join(run, "final.h5"))
        check(np.array_equal(fin["x"], ref_final["x"]) and np.array_equal(fin["v"], ref_final["v"]),
              f"killed at '{phase}': the restart from the survivor ends bitwise like the straight run")

    # Damaged files.
    good = checkpoints(straight)
    newest, before = good[-1], good[-2]
    raw = read_bytes(newest)

    def refused(data, what, expect):
        run = os.path.join(wd, "bad")
        shutil.rmtree(run, ignore_errors=True)
        os.makedirs(os.path.join(run, "ck"))
        path = os.path.join(run, "ck", "bad.h5")
        with open(path, "wb") as f:
            f.write(data)
        p = mt.run_mgmd(text, run, args=("-restart", "ck/bad.h5"), check=False)
        out = p.stdout + p.stderr
        check(p.returncode == 2 and expect in out and "bad.h5" in out,
              f"{what}: refused, exit {p.returncode}, message: {[l for l in out.splitlines() if 'ERROR' in l][:1]}")

    refused(raw[: len(raw) // 2], "truncated to half", "truncated")
    import h5py
    with h5py.File(newest, "r") as f:
        off = f["atoms/position"].id.get_offset()
    flipped = bytearray(raw)
    for k in range(8):
        flipped[off + 1000 + k] ^= 0xFF
    refused(bytes(flipped), "8 bytes flipped in atoms/position", "checksum")
    refused(b"this is not a checkpoint\n" * 100, "a text file", "not an HDF5 file")
    run = os.path.join(wd, "foreign")
    os.makedirs(run)
    with h5py.File(os.path.join(run, "x.h5"), "w") as f:
        f["data"] = np.arange(3)
    refused(read_bytes(os.path.join(run, "x.h5")), "a foreign HDF5 file", "not an mgmd checkpoint")
    other = os.path.join(run, "v.h5")
    shutil.copy(newest, other)
    with h5py.File(other, "r+") as f:
        f.attrs["format_version"] = np.int64(99)
    refused(read_bytes(other), "format version 99", "format version 99")

    # Prefix: the damaged newest is skipped with a warning.
    run = os.path.join(wd, "skip")
    shutil.copytree(straight, run)
    for c in checkpoints(run):
        if os.path.basename(c) > os.path.basename(newest):
            os.remove(c)
    with open(os.path.join(run, "ck", os.path.basename(newest)), "wb") as f:
        f.write(bytes(flipped))
    p = mt.run_mgmd(text, run, args=("-restart", "ck/run"))
    check("skipping" in p.stdout + p.stderr and os.path.basename(before) in p.stdout,
          f"prefix restart skips the damaged {os.path.basename(newest)} and uses {os.path.basename(before)}")
    fin = atoms_by_id(os.path.join(run, "final.h5"))
    check(np.array_equal(fin["x"], ref_final["x"]), "... and still ends bitwise like the straight run")
check.finish()
