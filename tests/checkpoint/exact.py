#!/usr/bin/python3
"""Restart on the same rank count is bitwise the run that never stopped.

For NVE, Nose-Hoover NVT, Langevin, NPT (iso), a multi-stage `cycle` and
an NPT quench at 1.5e15 K/s followed by a hold (issue 3's quench),
on 1 and 3 ranks: run the deck straight (it writes checkpoints on its way),
then restart from a checkpoint in the middle (-restart FILE, and the
stored-deck form -restart PREFIX with no deck) and let it finish. The
thermo CSV, the LAMMPS dump and the extended XYZ file must be byte for byte
those of the straight run, every dataset of the H5MD trajectory equal, and
the final checkpoints' positions, velocities
and image flags bitwise equal. No tolerance: the restart rebuilds exactly
the arrays, ghosts and neighbour lists of the checkpointed step (docs/
checkpoints.md), so any difference is a bug."""
import os
import shutil
import tempfile

import numpy as np

from ckcommon import Checker, atoms_by_id, checkpoints, deck, h5md_arrays, mt, read_bytes

CASES = [
    ("nve", "nve", None),
    ("nvt", "nvt temp 1500 K 1400 K tdamp 0.1 ps", None),
    ("langevin", "langevin temp 1500 K damp 0.1 ps seed 7", None),
    ("npt", "npt temp 1500 K tdamp 0.1 ps press 0 bar 1000 bar pdamp 0.5 ps", None),
    ("cycle", "nvt temp 1500 K tdamp 0.1 ps", "cycle 2 between 1300 K and 1500 K rate 2000 K/ps hold 0.04 ps"),
    ("quench", "npt temp 1500 K tdamp 0.1 ps press 0 bar pdamp 0.5 ps",
     "quench from 1500 K to 1200 K rate 1.5e15 K/s\nhold 1200 K for 0.1 ps"),
]
FILES = ["thermo.csv", "traj.dump", "traj.xyz"]
check = Checker()
for name, ens, action in CASES:
    for nranks in (1, 3):
        if nranks == 3 and name in ("langevin", "cycle", "quench"):
            continue  # the 3-rank path is the same code; keep the suite short
        text = deck(ens, 160, 40, action=action)
        with tempfile.TemporaryDirectory() as wd:
            straight = os.path.join(wd, "straight")
            mt.run_mgmd(text, straight, np_=nranks)
            cks = checkpoints(straight)
            check(len(cks) >= 3, f"{name} np{nranks}: {len(cks)} periodic checkpoints written")
            mid = cks[len(cks) // 2]
            for how in ("file", "prefix"):
                again = os.path.join(wd, "again-" + how)
                shutil.copytree(straight, again)
                # Remove what a killed run would not have had: later checkpoints.
                for c in checkpoints(again):
                    if os.path.basename(c) > os.path.basename(mid):
                        os.remove(c)
                os.remove(os.path.join(again, "final.h5"))
                if how == "file":
                    mt.run_mgmd(text, again, np_=nranks, args=("-restart", "ck/" + os.path.basename(mid)))
                else:  # the deck stored in the checkpoint, the newest of the series
                    cmd = mt.mpi_prefix(nranks) + [mt.mgmd_binary(), "-restart", "ck/run"]
                    p = mt.subprocess.run(cmd, cwd=again, capture_output=True, text=True, timeout=600)
                    check(p.returncode == 0, f"{name} np{nranks}: -restart ck/run without a deck runs")
                for fn in FILES:
                    check(read_bytes(os.path.join(again, fn)) == read_bytes(os.path.join(straight, fn)),
                          f"{name} np{nranks} restart from {os.path.basename(mid)} ({how}): {fn} identical")
                ha, hb = h5md_arrays(os.path.join(straight, "traj.h5md")), h5md_arrays(os.path.join(again, "traj.h5md"))
                check(ha.keys() == hb.keys() and all(np.array_equal(ha[k], hb[k]) for k in ha),
                      f"{name} np{nranks} ({how}): every dataset of traj.h5md identical "
                      f"({len(ha['particles/all/position/value'])} frames)")
                a, b = atoms_by_id(os.path.join(straight, "final.h5")), atoms_by_id(os.path.join(again, "final.h5"))
                same = all(np.array_equal(a[k], b[k]) for k in ("id", "x", "v", "image")) and a["step"] == b["step"]
                check(same, f"{name} np{nranks} ({how}): final positions, velocities, images bitwise equal "
                      f"(step {a['step']})")
check.finish()
