#!/usr/bin/python3
"""Bad per-component barostat targets stop at the deck line with a message
that names the contradiction (exit code 2, input error); good ones say what
they resolved to.

Each case is a deck that reads the Cu crystal of stcommon.py (or its
triclinic copy, or a small Cu crystal with a fixed z boundary) and has one
ensemble line (line 7); the error must name `in.deck:7:` and match the
pattern. The good lines must print what they resolved to.
The last cases are the checks a run makes when the box changed after the
ensemble line (no deck line: the run's collective failure, exit code 2).
About 5 s."""
import os
import re
import subprocess
import tempfile

import stcommon as sc

mt = sc.mt
check = mt.Checks()
NPT = "ensemble npt temp 300 K tdamp 0.1 ps pdamp 1 ps "

# (name, data, ensemble arguments, regex the error must match)
BAD = [
    ("iso with different targets", "eq", "couple iso xx 1 GPa yy 0 zz 0",
     r"in\.deck:7: ensemble npt: couple iso gives the controlled axes one strain rate, driven by their mean "
     r"pressure, so they need one target, but xx is 10000 bar \(1 GPa\) and yy is 0 bar \(0 GPa\); use couple aniso"),
    ("iso with press and another target", "eq", "couple iso press 0 zz 5 kbar",
     r"in\.deck:7: ensemble npt: couple iso .* but xx is 0 bar \(0 GPa\) and zz is 5000 bar \(0\.5 GPa\)"),
    ("iso with a ramp and a constant", "eq", "couple iso xx 0 1 GPa yy 0 zz 0",
     r"in\.deck:7: ensemble npt: couple iso .* xx is 0 -> 10000 bar \(0 -> 1 GPa\) and yy is 0 bar"),
    ("tilt target on an orthogonal box", "eq", "xx 0 yy 0 zz 0 xy -0.5 GPa",
     r"in\.deck:7: ensemble npt: a target for the tilt xy needs a triclinic box .*this one is orthogonal"),
    ("couple tri on an orthogonal box", "eq", "press 0 couple tri",
     r"in\.deck:7: ensemble npt: couple tri needs a triclinic box"),
    ("no target at all", "eq", "",
     r"in\.deck:7: ensemble npt: needs a pressure target: 'press P \[P_end\] \[unit\]' for the whole box, or one "
     r"per component"),
    ("a component twice", "eq", "x 1 GPa xx 2 GPa",
     r"in\.deck:7: ensemble npt: xx has two targets \(x and xx, y and yy, z and zz name the same component\)"),
    ("press twice", "eq", "press 0 press 1 GPa", r"in\.deck:7: ensemble npt: press is given twice"),
    ("LAMMPS' start stop damp", "eq", "xx 0 0 1",
     r"in\.deck:7: ensemble npt: xx takes a start and an end pressure; the damping time is 'pdamp TIME'"),
    ("axes without press", "eq", "axes yz yy 0 zz 0",
     r"in\.deck:7: ensemble npt: 'axes' chooses the axes 'press' applies to, and this line has no press"),
    ("couple tri with an axis left out", "tri", "couple tri yy 0 zz 0 xy 0",
     r"in\.deck:7: ensemble npt: couple tri controls all six components, but x has no target \(no press\)"),
    ("couple tri with axes", "tri", "press 0 couple tri axes xy",
     r"in\.deck:7: ensemble npt: couple tri controls all six components, but z has no target \('axes' leaves it "
     r"out of press\)"),
    ("component on a fixed boundary", "slab", "zz 0",
     r"in\.deck:7: ensemble npt: the box is not periodic along z \(boundary f\), so the barostat cannot control zz"),
    ("tilt over a fixed boundary", "slab", "xx 0 yy 0 xz 0",
     r"in\.deck:7: ensemble npt: the box is not periodic along z \(boundary f\), so the barostat cannot control xz"),
    ("unit after the first value only", "eq", "xx 0 GPa 1",
     r"in\.deck:7: ensemble npt: give the pressure unit after both values or after each \('xx 0 10 GPa'"),
    ("schedule of another quantity", "eq", "xx schedule heat",
     r"in\.deck:7: ensemble: xx is a pressure, but schedule 'heat' holds a temperature"),
    ("no such schedule", "eq", "yy schedule nope", r"in\.deck:7: ensemble: no schedule named 'nope'"),
    ("not a pressure", "eq", "xx 300 K", r"in\.deck:7: ensemble: .*pressure.*'K' is a unit of temperature"),
]

# Good lines and what the ensemble command must report.
GOOD = [
    ("eq", "xx 1 GPa yy 0 zz 0",
     "barostat targets xx 10000 bar (1 GPa), yy 0 bar (0 GPa), zz 0 bar (0 GPa); each axis on its own"),
    ("eq", "press 0 axes yz xx 2 kbar",
     "barostat targets xx 2000 bar (0.2 GPa), yy 0 bar (0 GPa), zz 0 bar (0 GPa); each axis on its own"),
    ("eq", "yy 0 zz 0", "barostat targets yy 0 bar (0 GPa), zz 0 bar (0 GPa); each axis on its own; not "
     "controlled: xx"),
    ("eq", "couple iso xx 1 GPa yy 1 GPa", "barostat targets xx 10000 bar (1 GPa), yy 10000 bar (1 GPa); the axes "
     "share one strain rate (iso); not controlled: zz"),
    ("tri", "xy -0.5 GPa", "barostat targets xy -5000 bar (-0.5 GPa); each axis on its own; not controlled: "
     "xx yy zz xz yz"),
    ("tri", "press 0 couple tri yz 1 GPa", "barostat targets xx 0 bar (0 GPa), yy 0 bar (0 GPa), zz 0 bar "
     "(0 GPa), xy 0 bar (0 GPa), xz 0 bar (0 GPa), yz 10000 bar (1 GPa); each axis on its own"),
    ("tri", "couple iso press 1 GPa xz 0.1 GPa", "barostat targets xx 10000 bar (1 GPa), yy 10000 bar (1 GPa), zz "
     "10000 bar (1 GPa), xz 1000 bar (0.1 GPa); the axes share one strain rate (iso); not controlled: xy yz"),
    ("eq", "xx schedule load yy 0 zz 0", "barostat targets xx schedule 'load', yy 0 bar"),
]


def deck(data, args, tail="run 0\n"):
    """The deck (its ensemble line is line 7, after the two schedules)."""
    bound = "p p f" if "slab" in data else "p p p"
    return (f"units metal\nboundary {bound}\nread_data {data}\npotential eam/alloy {sc.POT_NAME} Cu\n"
            f"schedule heat ramp 300 K to 400 K over 1 ps\nschedule load ramp 0 GPa to 1 GPa over 1 ps\n"
            f"{NPT}{args}\n{tail}")


with tempfile.TemporaryDirectory() as wd:
    sc.prep(wd)
    data = {"eq": os.path.join(wd, "eq.data"), "tri": os.path.join(wd, "eqtri.data")}
    # The slab's types are Cu and Zr; the Cu potential needs one type: a Cu
    # box with a fixed z boundary instead.
    mt.run_mgmd(f"units metal\nboundary p p f\ncreate_lattice fcc 3.63 A cells 3 3 3 types Cu\n"
                f"write_data slab.data\n", wd)
    data["slab"] = os.path.join(wd, "slab.data")
    for name, box, args, pattern in BAD:
        # schedules defined before the ensemble line for the schedule cases
        text = deck(data[box], args)
        d = os.path.join(wd, "bad-" + re.sub(r"\W+", "-", name))
        p = mt.run_mgmd(text, d, check=False)
        ok = p.returncode == 2 and re.search(pattern, p.stderr)
        check(ok, f"{name}: exit {p.returncode}, " + (p.stderr.strip().split("\n")[0][:200] if not ok else
                                                     "message matches"))
    for box, args, want in GOOD:
        text = deck(data[box], args)
        d = os.path.join(wd, "good-" + re.sub(r"\W+", "-", args))
        p = mt.run_mgmd(text, d, check=False)
        check(p.returncode == 0 and want in p.stdout, f"'{args}': {want!r} reported" +
              ("" if p.returncode == 0 else f" (exit {p.returncode}: {p.stderr.strip()[:200]})"))

    # Run-time checks: the box changed after the ensemble line.
    late = [
        ("tilt target, box made orthogonal afterwards", "tri", "xx 0 yy 0 zz 0 xy -0.5 GPa",
         "change_box all ortho\nrun 10\n",
         r"ensemble npt: a target for the tilt xy needs a triclinic box"),
        ("component, boundary made fixed afterwards", "eq", "xx 0 yy 0 zz 0",
         "change_box all boundary p p f\nrun 10\n",
         r"ensemble npt: the barostat controls zz, but the box is not periodic along z \(boundary f\)"),
    ]
    for name, box, args, tail, pattern in late:
        d = os.path.join(wd, "late-" + re.sub(r"\W+", "-", name))
        p = mt.run_mgmd(deck(data[box], args, tail), d, check=False)
        ok = p.returncode == 2 and re.search(pattern, p.stderr)
        check(ok, f"{name}: exit {p.returncode}, " + (p.stderr.strip().split("\n")[0][:200] if not ok else
                                                     "message matches at the run"))

check.finish()
