#!/usr/bin/python3
"""The `stress_strain` command's deck handling.

Each mistake stops mgmd with exit 2 and "ERROR: in.deck:LINE: stress_strain:
..." naming the line of the bad command (counted here) and what was wrong;
the first one also on 3 ranks, which must not hang. Then the sampling
schedule and side paths: `every` + `at_end` over two runs (samples at
0, 10, 20, 25 with `every 10` over runs of 20 and 5 steps), `analyze`
sampling in `stages manual` without ending the stage, `reference stage`
re-taking the reference box at each stage end, `unobserve` of an observer
with samples pending prints that they have no summary, and the files of an
observer are claimed (a thermo file of the same name is refused).
Runtime about 10 s.
"""
import os
import re

import stress_strain_common as sc

mt = sc.mt
check = mt.Checks()
HEAD = sc.GLASS_HEAD
NHEAD = HEAD.count("\n")

BAD = [
    ("stress_strain s strain xw file s", r"unknown strain component 'xw' \(expected xx, yy, zz, xy, xz or yz\)"),
    ("stress_strain s strain vm file s", r"unknown strain component 'vm'"),
    ("stress_strain s strain xy file s stress foo", r"unknown stress component 'foo'"),
    ("stress_strain s strain xy file s fit 0", r"fit \(upper end of the elastic fit window\) must be above 0"),
    ("stress_strain s strain xy file s fit -0.01", r"fit .* must be above 0 and at most 10"),
    ("stress_strain s strain xy file s fit 1%", r"fit .* must be a number"),
    ("stress_strain s strain xy file s offset 0", r"offset \(of the yield line\) must be above 0"),
    ("stress_strain s strain xy file s flow 0.2 0.1", r"flow window \[0.2, 0.1\] is empty or inverted"),
    ("stress_strain s strain xy file s flow 0.1 0.1", r"flow window \[0.1, 0.1\] is empty or inverted"),
    ("stress_strain s strain xy file s flow 0.1", r"missing flow window end"),
    ("stress_strain s strain xy", r"missing 'file PREFIX'"),
    ("stress_strain s file s", r"missing 'strain xx\|yy\|zz\|xy\|xz\|yz'"),
    ("stress_strain s strain xy file /nonexistent/dir/s", r"cannot write /nonexistent/dir/s.csv: No such file"),
    ("stress_strain s strain xy file s blocks 1", r"number of blocks .* must be between 2 and"),
    ("stress_strain s strain xy file s every -1", r"sampling interval \(steps\) must be between 0"),
    ("stress_strain s strain xy file s reference later", r"reference must be 'now' or 'stage', got 'later'"),
    ("stress_strain s strain xy file s stages some", r"stages must be 'runs' or 'manual', got 'some'"),
    ("stress_strain s strain xy file s colour red", r"unknown keyword 'colour'"),
    ("stress_strain s strain xy file s end_stage", r"end_stage comes right after the name"),
    ("stress_strain s/t strain xy file s", r"may hold only letters, digits"),
    ("stress_strain s strain xy file s\nstress_strain s strain xx file t", r"an observer named 's' exists already"),
    ("stress_strain nothere end_stage", r"no observer named 'nothere'"),
    ("rdf r\nstress_strain r end_stage", r"observer 'r' is a rdf observer, not a stress_strain one"),
    ("stress_strain s strain xy file s\nstress_strain s end_stage now", r"unexpected 'now'"),
    ("thermo every 10 file s.csv\nstress_strain s strain xy file s", r"s.csv is already written by thermo"),
]


def bad_lines(wd):
    for k, (text, pattern) in enumerate(BAD):
        line = NHEAD + text.count("\n") + 1
        for np_ in ([None, 3] if k == 0 else [None]):
            p = mt.run_mgmd(HEAD + text + "\n", os.path.join(wd, "bad%d" % k), np_=np_, check=False, timeout=120)
            msg = (p.stdout + p.stderr).strip()
            first = next((m for m in msg.splitlines() if "ERROR" in m), "(no ERROR line)")
            ok = p.returncode == 2 and re.search(r"in\.deck:%d: " % line, first) and re.search(pattern, first)
            check(bool(ok), "'%s'%s: exit %d: %s" % (text.replace("\n", "; "), " (3 ranks)" if np_ else "",
                                                     p.returncode, first))
    p = mt.run_mgmd("units metal\nstress_strain s strain xy file s\n", os.path.join(wd, "nosys"), check=False)
    check(p.returncode == 2 and re.search(r"in\.deck:2: stress_strain: no system yet", p.stdout + p.stderr),
          "stress_strain before the system: exit 2, in.deck:2: no system yet")


def schedule(wd):
    deck = HEAD + """stress_strain a strain xy every 10 file a
stress_strain m strain xy every 10 at_end no file m stages manual
stress_strain r strain xy file r reference stage
run 20
change_box all xy delta 0.4 remap
run 5
analyze m
stress_strain m end_stage
change_box all xy delta 0.4 remap
run 5
stress_strain late strain xy every 5 file late stages manual
run 5
unobserve late
"""
    p = mt.run_mgmd(deck, wd)
    _, a = sc.read_csv(os.path.join(wd, "a.csv"))
    check([int(r["step"]) for r in a] == [0, 10, 20, 25, 30, 35] and [int(r["stage"]) for r in a] ==
          [1, 1, 1, 2, 3, 4], f"every 10 + at_end over runs of 20, 5, 5, 5 steps: samples at "
          f"{[int(r['step']) for r in a]}, stages {[int(r['stage']) for r in a]} (each run a stage)")
    _, m = sc.read_csv(os.path.join(wd, "m.csv"))
    _, ms = sc.read_csv(os.path.join(wd, "m_summary.csv"))
    check([(int(r["step"]), int(r["stage"])) for r in m] == [(0, 1), (10, 1), (20, 1), (25, 1), (30, 2)] and
          len(ms) == 1 and int(ms[0]["samples"]) == 4,
          f"stages manual: `analyze` samples step 25 without ending the stage; end_stage ends it (rows "
          f"{[(int(r['step']), int(r['stage'])) for r in m]}, summary rows {len(ms)})")
    _, r = sc.read_csv(os.path.join(wd, "r.csv"))
    g = {int(x["step"]): float(x["gamma_xy[1]"]) for x in r}
    d = mt.read_data(sc.GLASS)
    ly0 = d["hi"][1] - d["lo"][1]
    check(sorted(g) == [20, 25, 30, 35] and abs(g[20]) < 1e-15 and abs(g[25] - 0.4 / ly0) < 1e-12 and
          abs(g[30] - 0.4 / ly0) < 1e-12 and abs(g[35]) < 1e-15,
          f"reference stage: strain from the box at the previous stage's end (steps 20, 25, 30, 35: "
          f"{[round(g[k], 9) for k in sorted(g)]}; each change_box adds 0.4/ly0 = {0.4 / ly0:.6g})")
    check(re.search(r"stress_strain late: the 2 samples of stage 1 have no summary", p.stdout) is not None,
          "unobserve with samples pending says they have no summary")


def main():
    wd = sc.workdir("deck")
    bad_lines(wd)
    schedule(os.path.join(wd, "schedule"))
    check.finish()


if __name__ == "__main__":
    main()
