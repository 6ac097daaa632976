#!/usr/bin/python3
"""Averaging over the samples of a stage, stage boundaries, and the
observer's state in checkpoints.

- `every 10` over a 30-step NVE run of the glass: the written g_ab(r) is the
  NumPy g of the summed pair counts of the dumped frames 0, 10, 20, 30
  (positions dumped with 17 digits, so the reference sees the same
  coordinates): 1e-9 relative, as for one configuration (reference.py).
- The next run starts a new average: frames 40, 50, 60 (step 30, sampled at
  the end of the first run, is not sampled again).
- `at_end` only (the default without `every`): the last frame of each run.
- NPT at 20 kbar: the volume changes between samples and the normalisation
  is sum_s N_a (N_b - d_ab)/V_s; NumPy with each frame's own box.
- Checkpoint mid-stage (after 4 of 7 samples), restart, finish: the tables
  are byte-identical to an uninterrupted run (the accumulated histograms,
  sample count and step range travel in the checkpoint), and the checkpoint
  holds them under sections/outputs/observers/NAME (h5py).
"""
import filecmp
import os
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pairref as pr  # noqa: E402

mt = pr.mt
C = pr.Checks()


def reference_g(frames, steps, rmax, nbins):
    counts, norm = 0, 0
    for step, lo, hi, ids, types, x in frames:
        if step not in steps:
            continue
        H = np.diag(hi - lo)
        counts = counts + pr.pair_counts(x, types, H, rmax, nbins, 2)
        nt = np.array([np.sum(types == t) for t in (1, 2)])
        norm = norm + np.outer(nt, nt - 0) / np.prod(hi - lo) - np.diag(nt) / np.prod(hi - lo)
    sv = pr.shell_volumes(nbins, rmax / nbins)
    return counts / (norm[:, :, None] * sv[None, None, :])


def compare(label, path, g):
    _, gr = pr.read_csv(path)
    err = 0.0
    for (a, b), nm in {(0, 0): "g_CuCu", (0, 1): "g_CuZr", (1, 1): "g_ZrZr"}.items():
        err = max(err, float(np.max(np.abs(gr[nm] - g[a, b]) / np.maximum(1, np.abs(g[a, b])))))
    C.check(err < 1e-9, f"{label}: g_ab = NumPy average ({err:.1e}, tol 1e-9)")


HEAD = f"""units metal
timestep 2 fs
read_data {mt.DATA}/cuzr-glass.data
potential eam/fs CuZr_mm.eam.fs Cu Zr
"""

with tempfile.TemporaryDirectory() as wd:
    sub = os.path.join(wd, "nve")
    mt.run_mgmd(HEAD + """dump d every 10 file d.dump columns id type x y z precision 17
rdf avg every 10 file avg.* rmax 8 bins 400
rdf end file end.* rmax 8 bins 400
run 30
run 30
""", sub)
    frames = pr.read_dump(os.path.join(sub, "d.dump"))
    C.check([f[0] for f in frames] == [0, 10, 20, 30, 40, 50, 60], "dumped frames at steps 0..60 every 10")
    C.check(sorted(n for n in os.listdir(sub) if n.endswith(".gr.csv")) ==
            ["avg.30.gr.csv", "avg.60.gr.csv", "end.30.gr.csv", "end.60.gr.csv"],
            "one set of tables per stage, named by the stage's last step")
    compare("every 10, first run (steps 0, 10, 20, 30)", os.path.join(sub, "avg.30.gr.csv"),
            reference_g(frames, {0, 10, 20, 30}, 8.0, 400))
    compare("every 10, second run (steps 40, 50, 60)", os.path.join(sub, "avg.60.gr.csv"),
            reference_g(frames, {40, 50, 60}, 8.0, 400))
    compare("at_end, first run (step 30)", os.path.join(sub, "end.30.gr.csv"), reference_g(frames, {30}, 8.0, 400))
    compare("at_end, second run (step 60)", os.path.join(sub, "end.60.gr.csv"), reference_g(frames, {60}, 8.0, 400))

    sub = os.path.join(wd, "npt")
    mt.run_mgmd(HEAD + """velocity create 300 seed 5
ensemble npt temp 300 tdamp 0.1 press 20000 pdamp 0.2
dump d every 10 file d.dump columns id type x y z precision 17
rdf n every 10 file n rmax 8 bins 400
run 40
""", sub)
    frames = pr.read_dump(os.path.join(sub, "d.dump"))
    vols = [np.prod(f[2] - f[1]) for f in frames]
    C.check((max(vols) - min(vols)) / max(vols) > 1e-3,
            f"NPT: the volume changes over the samples ({min(vols):.2f}..{max(vols):.2f} A^3)")
    compare("NPT, per-sample volumes", os.path.join(sub, "n.gr.csv"), reference_g(frames, {0, 10, 20, 30, 40}, 8.0, 400))

    # Checkpoints: the liquid with a thin skin rebuilds often, so the
    # checkpoint due at step 30 comes a few steps later, mid-stage.
    deck = f"""units metal
timestep 2 fs
read_data {mt.DATA}/cuzr-liquid.data
potential eam/fs CuZr_mm.eam.fs Cu Zr
neighbor skin 0.5
checkpoint every 30 file ck/run
rdf avg every 10 file avg.* weights neutron window lorch
run 60
"""
    full = os.path.join(wd, "full")
    mt.run_mgmd(deck, full)
    ck = os.path.join(full, "ck")
    files = sorted(f for f in os.listdir(ck) if f.endswith(".h5")) if os.path.isdir(ck) else []
    C.check(len(files) >= 1, f"a checkpoint was written during the run ({', '.join(files)})")
    if files:
        import h5py
        with h5py.File(os.path.join(ck, files[0]), "r") as f:
            step = int(f["state"].attrs["step"])
            g = f["sections/outputs/observers/avg"]
            shape, acc = list(g["shape"][()]), g["acc"][()]
        last = step - step % 10
        C.check(30 <= step < 60 and shape == [2, 500, 0, last] and acc[0] == last // 10 + 1,
                f"the checkpoint at step {step} holds the histograms: shape {shape} (types, bins, first, last "
                f"sampled step), {acc[0]:.0f} samples, {acc.size} values")
        again = os.path.join(wd, "again")
        os.makedirs(os.path.join(again, "ck"))
        os.link(os.path.join(ck, files[0]), os.path.join(again, "ck", files[0]))
        mt.run_mgmd(deck, again, args=("-restart", "ck/" + files[0]))
        same = [filecmp.cmp(os.path.join(full, f"avg.60.{e}.csv"), os.path.join(again, f"avg.60.{e}.csv"),
                            shallow=False) for e in ("gr", "sq", "pdf", "cn")]
        C.check(all(same), f"restart from step {step}, mid-stage: avg.60.{{gr,sq,pdf,cn}}.csv identical to the "
                "uninterrupted run")
C.finish()
