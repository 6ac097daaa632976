"""The `voronoi` deck command and the observer's life in a run.

- Mistakes in a `voronoi` line stop mgmd with exit 2 and
  "ERROR: in.deck:LINE: voronoi: ..." naming what was wrong (one of them on
  3 ranks, which must not hang).
- The observer never perturbs the trajectory: 40 NVE steps of the glass
  with a Voronoi sample every 10 steps give bit-identical positions and
  velocities to the same run without it.
- Sampling schedule: `every 10` plus `at_end yes` over runs of 40 and 15
  steps gives one CSV row block per sampled step (0, 10, ..., 40, then 50,
  55) with time[ps] = step * dt; `analyze` samples now; `file none` writes
  no tables; `unobserve` removes the observer and its dump columns.
- A restart from a checkpoint continues both tables exactly (the rows the
  dead job wrote after the checkpoint are cut and written again).
"""
import os
import re

import vorcommon as vc
from vorcommon import check

mt = vc.mt
GLASS = os.path.join(mt.DATA, "cuzr-glass.data")
HEAD = vc.glass_setup(GLASS)
BAD = [
    ("voronoi v radical yes", r"'radical yes' needs the radius of every element"),
    ("voronoi v radius Cu 1.28", r"needs a radius for every type: none for type 2 \(Zr\)"),
    ("voronoi v radius Cu 1.28 Zr 1.6 radical no", r"radii given with 'radical no'"),
    ("voronoi v radius Xx 1.2", r"'Xx' after 'radius' is neither a chemical element nor a type number"),
    ("voronoi v radius 3 1.2", r"radius for type 3, but types are 1 to 2"),
    ("voronoi v radius Cu -1 Zr 1", r"radius of Cu must be between 0 and 100 A"),
    ("voronoi v every -1", r"sampling interval \(steps\) must be between 0"),
    ("voronoi v colour blue", r"unknown keyword 'colour'"),
    ("voronoi v face_area_min 1.5 relative", r"face_area_min must be >= 0 \(and below 1 as a fraction\)"),
    ("voronoi v edge_min -0.1", r"edge_min must be >= 0"),
    ("voronoi v edge_min 1 ps", r"is a length, but 'ps' is a unit of time"),
    ("voronoi v walls atoms", r"missing wall gap"),
    ("voronoi v walls atoms 0", r"wall gap must be above 0"),
    ("voronoi v walls sphere", r"walls must be 'box' or 'atoms GAP'"),
    ("voronoi v top 0", r"top K\) must be between 1"),
    ("voronoi my-obs", r"must be 1 to 23 letters, digits or _"),
    ("voronoi v\nvoronoi v", r"an observer named 'v' exists already"),
    ("voronoi v file /nonexistent/dir/x", r"cannot write /nonexistent/dir/x_motifs.csv"),
]


def bad_lines(wd):
    for k, (line, pattern) in enumerate(BAD):
        for np_ in ([None, 3] if k == 0 else [None]):
            p = mt.run_mgmd(HEAD + line + "\n", os.path.join(wd, "bad%d" % k), np_=np_, check=False, timeout=120)
            msg = (p.stdout + p.stderr).strip()
            first = next((m for m in msg.splitlines() if "ERROR" in m), "(no ERROR line)")
            ok = p.returncode == 2 and re.search(r"in\.deck:\d+: voronoi", first) and re.search(pattern, first)
            check(bool(ok), "'%s'%s: exit %d: %s" % (line.replace("\n", "; "), " (3 ranks)" if np_ else "",
                                                     p.returncode, first))
    p = mt.run_mgmd("voronoi v\n", os.path.join(wd, "nosys"), check=False)
    check(p.returncode == 2 and "voronoi: no system yet" in p.stdout + p.stderr, "voronoi before the system: exit 2")


def trajectory(wd, with_observer):
    deck = HEAD + "timestep 2 fs\n"
    if with_observer:
        deck += "voronoi v every 10 radius Cu 1.28 Zr 1.6\n"
    deck += "dump d every 40 file traj.dump precision 17 columns id x y z vx vy vz\nrun 40\n"
    mt.run_mgmd(deck, wd, np_=2)
    return vc.read_dump(os.path.join(wd, "traj.dump"))


def restart(sub):
    """Kill-and-restart: checkpoints at steps ~100, ~200, 400; the newest is
    removed (as if the job died after ~200) and the run restarted. The
    tables must be byte-identical to the uninterrupted run's: the restart
    cut them back to the checkpoint and wrote the later samples again."""
    deck = HEAD + """timestep 2 fs
voronoi vor every 50 top 3
checkpoint every 100 file ck/c keep 5
run 400
"""
    mt.run_mgmd(deck, sub)
    full = [open(os.path.join(sub, "vor_%s.csv" % k)).read() for k in ("summary", "motifs")]
    ck = sorted(f for f in os.listdir(os.path.join(sub, "ck")) if f.endswith(".h5"))
    os.remove(os.path.join(sub, "ck", ck[-1]))
    p = mt.run_mgmd(deck, sub, args=("-restart", "ck/c"))
    again = [open(os.path.join(sub, "vor_%s.csv" % k)).read() for k in ("summary", "motifs")]
    m = re.search(r"state of step (\d+)", p.stdout)
    check(len(ck) == 3 and m and again == full, "restart from the checkpoint of step %s: both tables byte-identical "
          "to the uninterrupted run's (%d rows)" % (m.group(1) if m else "?", full[0].count("\n") - 1))


def main():
    wd = vc.workdir("deck")
    bad_lines(wd)

    a, b = trajectory(os.path.join(wd, "plain"), False), trajectory(os.path.join(wd, "observed"), True)
    same = all((a[c] == b[c]).all() for c in ("x", "y", "z", "vx", "vy", "vz"))
    check(same, "a Voronoi observer every 10 steps leaves the 40-step trajectory bit-identical (2 ranks)")

    sub = os.path.join(wd, "schedule")
    deck = HEAD + """timestep 2 fs
voronoi v every 10 at_end yes file tables/vor.csv top 3
voronoi q file none
analyze q
dump d every 5 file d.dump columns id v_n5 q_n5
run 40
run 15
undump d
unobserve q
dump e every 5 file e.dump columns id v_cn
run 5
"""
    os.makedirs(os.path.join(sub, "tables"))
    p = mt.run_mgmd(deck, sub)
    rows = vc.read_csv(os.path.join(sub, "tables", "vor_summary.csv"))
    steps = [int(r["step"]) for r in rows]
    check(steps == [0, 10, 20, 30, 40, 50, 55, 60], "every 10 + at_end over runs of 40, 15, 5 steps: samples at %s" %
          steps)
    check(all(abs(float(r["time[ps]"]) - 0.002 * int(r["step"])) < 1e-12 for r in rows), "time[ps] = step * dt")
    motifs = vc.read_csv(os.path.join(sub, "tables", "vor_motifs.csv"))
    per_step = {}
    for r in motifs:
        per_step.setdefault((int(r["step"]), r["element"]), []).append(int(r["rank"]))
    check(len(per_step) == 3 * len(steps) and all(v == [1, 2, 3] for v in per_step.values()),
          "motif table: top 3 for all, Cu and Zr at every sampled step")
    check(not any(f.startswith("q_") for f in os.listdir(sub)), "file none: no tables written")
    check(re.search(r"voronoi q: 1 sample", p.stdout) is not None, "analyze prints the sample's timing")
    d = vc.read_dump(os.path.join(sub, "d.dump"))
    check("q_n5" in d and "v_n5" in d, "dump columns of both observers")
    p = mt.run_mgmd(HEAD + "voronoi q\nunobserve q\ndump e every 5 file e.dump columns id q_n5\nrun 0\n",
                    os.path.join(wd, "gone"), check=False)
    check(p.returncode == 2 and "unknown column 'q_n5'" in p.stdout + p.stderr,
          "unobserve removes the observer's dump columns")
    restart(os.path.join(wd, "restart"))
    vc.finish()


if __name__ == "__main__":
    main()
