#!/usr/bin/python3
"""The `profile` deck command and the observer's life in a run.

- Mistakes in a `profile` line stop mgmd with exit 2 and "ERROR:
  in.deck:LINE: profile: ..." naming what was wrong (13 kinds; one of them
  also on 3 ranks, which must not hang; more in tests/errors/bad_inputs.py).
- The observer never perturbs the trajectory: 30 NVE steps of the glass
  with a profile sampled every 5 steps (each sample recomputes the forces
  with per-atom virials and puts the step's back) give a byte-identical
  thermo table (energies, pressure) and dump (positions, velocities,
  forces at 17 digits) to the same run without it.
- Windows: `window 3` over samples at 0, 5, ..., 30 (7 samples) writes 2
  windows; the 7th sample waits, and mgmd says so at the end; `profile
  NAME flush` writes it as a window of 1; `analyze NAME` samples now; rows
  carry their window's first and last steps.
About 3 s."""
import os
import re

import numpy as np

import pcommon as pc
from pcommon import check

mt = pc.mt
GLASS = os.path.join(mt.DATA, "cuzr-glass.data")
HEAD = "units metal\nread_data %s\npotential eam/fs %s Cu Zr\n" % (GLASS, pc.POT)
FREE = "units metal\nboundary p p f\nread_data %s\npotential eam/fs %s Cu Zr\n" % (GLASS, pc.POT)
OK = "profile p radial z bin 1 file x"
BAD = [
    (HEAD, "profile p bin 1 file x", r"missing 'radial AXIS' \(a wire\) or 'normal AXIS' \(a slab\)"),
    (HEAD, "profile p radial w bin 1 file x", r"the wire's axis must be x, y or z, got 'w'"),
    (HEAD, "profile p radial z file x", r"missing 'bin DR'"),
    (HEAD, "profile p radial z bin 1 ps file x", r"bin width is a length, but 'ps' is a unit of time"),
    (HEAD, OK + " colour red", r"unknown keyword 'colour'"),
    (HEAD, "profile p normal z bin 1 file x center 1 2", r"'center' belongs to radial profiles"),
    (HEAD, "rdf g\n" + OK + " voronoi g", r"observer 'g' is a rdf observer, not a voronoi one"),
    (HEAD, "freeze f\n" + OK + " torsion f", r"fix 'f' is a freeze fix, not a torsion fix"),
    (HEAD, OK + " stress yes volume voronoi", r"'volume voronoi' needs 'voronoi VOBS'"),
    (HEAD, "profile p radial z bin 1 file /nonexistent/dir/x", r"cannot write /nonexistent/dir/x\.csv"),
    (HEAD, "voronoi v\nprofile v flush", r"observer 'v' is a voronoi observer, not a profile"),
    (FREE, OK, r"the axis z is not periodic, so the box length is not the wire's; give 'range LO HI'"),
    (FREE, "profile p normal x bin 1 file x", r"a slab profile along x needs the box periodic along the other two "
                                               r"dimensions .* but z is not"),
]


def bad_lines(wd):
    for k, (head, line, pattern) in enumerate(BAD):
        for np_ in ([None, 3] if k == 0 else [None]):
            p = mt.run_mgmd(head + line + "\n", os.path.join(wd, "bad%d" % k), np_=np_, check=False, timeout=120)
            msg = (p.stdout + p.stderr).strip()
            first = next((m for m in msg.splitlines() if "ERROR" in m), "(no ERROR line)")
            ok = p.returncode == 2 and re.search(r"in\.deck:\d+: ", first) and re.search(pattern, first)
            check(bool(ok), "'%s'%s: exit %d: %s" % ((line or head).replace("\n", "; ").strip(),
                                                     " (3 ranks)" if np_ else "", p.returncode, first))


def trajectory(wd):
    """The same 30 steps with and without a profile: identical outputs."""
    out = {}
    for tag, extra in (("without", ""), ("with", "voronoi v file none\nprofile p radial z bin 1 file prof every 5 "
                                                  "window 2 stress yes voronoi v volume voronoi\n")):
        d = os.path.join(wd, "traj-" + tag)
        text = HEAD + """timestep 2 fs
velocity create 600 K seed 5
ensemble nve
thermo every 5 file thermo.csv
dump d every 10 file t.dump precision 17 columns id x y z vx vy vz fx fy fz
""" + extra + "run 30\n"
        mt.run_mgmd(text, d)
        out[tag] = [open(os.path.join(d, f), "rb").read() for f in ("thermo.csv", "t.dump")]
    check(out["with"] == out["without"], "a profile every 5 steps leaves thermo.csv and the dump (x, v, f) byte "
          "for byte as they are without it")


def windows(wd):
    d = os.path.join(wd, "windows")
    text = HEAD + """timestep 2 fs
velocity create 600 K seed 5
ensemble nve
profile p radial z bin 1 file p every 5 window 3
profile q normal z bin 1 file q window 2
analyze q
run 30
analyze q
profile p flush
profile p flush
"""
    p = mt.run_mgmd(text, d)
    head, t = pc.read_csv(os.path.join(d, "p.csv"))
    fh, f = pc.read_csv(os.path.join(d, "p_fits.csv"))
    steps = sorted(set(zip(t["window"], t["step_first"], t["step_last"], t["samples"])))
    check([tuple(int(v) for v in s) for s in steps] == [(1, 0, 10, 3), (2, 15, 25, 3), (3, 30, 30, 1)] and
          list(f["window"]) == [1, 2, 3] and list(f["samples"]) == [3, 3, 1],
          "windows of 3 samples at 0, 5, ..., 30: %s (the last one by flush; a second flush writes nothing)" % steps)
    check(np.all(np.isnan(t["density_se[1/A^3]"][t["window"] == 3])) and
          np.all(np.isfinite(t["density_se[1/A^3]"][(t["window"] == 1) & (t["atoms[1]"] > 0)])),
          "standard errors: NaN for a window of 1 sample, finite for 3")
    head, t = pc.read_csv(os.path.join(d, "q.csv"))
    check(sorted(set(zip(t["step_first"].astype(int), t["step_last"].astype(int)))) == [(0, 30)],
          "analyze samples now: two analyze (steps 0 and 30) make one window of 2")
    # A window left open at the end.
    d = os.path.join(wd, "open")
    p = mt.run_mgmd(HEAD + "profile p radial z bin 1 file p window 4\nanalyze p\n", d)
    check("the 1 sample of window 1 was not written" in p.stdout and
          open(os.path.join(d, "p.csv")).read() == "", "a window left open: nothing written, and mgmd says so")


def main():
    wd = pc.workdir("deck")
    bad_lines(wd)
    trajectory(wd)
    windows(wd)
    pc.finish()


main()
