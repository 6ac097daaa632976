#!/usr/bin/python3
"""Mistakes in an `aqs` line stop the run before anything is strained, with
exit 2 and "ERROR: in.deck:LINE: aqs: ..." naming what was wrong (one case
also on 2 ranks, which must not hang). An orthogonal box is not a mistake
for a shear: aqs makes it triclinic (tests/aqs/c44.py).
"""
import os
import re
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import aqscommon as ac  # noqa: E402

mt = ac.mt
C = mt.Checks()

HEAD = """units metal
boundary {bnd}
create_lattice fcc 3.615 cells 3 3 3 types Cu
potential eam Cu_u3.eam
"""
A = "aqs strain xy step 0.01 to 0.1"
BAD = [
    ("p p p", "aqs strain xy step 0 to 0.1", r"step\) must not be zero .*got 0"),
    ("p p p", "aqs strain xy step -0.01 to 0.1", r"\(to 0.1\) and the increment \(step -0.01\) must have the same sign"),
    ("p p p", "aqs strain xy step 0.01 to 0.005", r"final strain \(to 0.005\) is smaller than one increment"),
    ("p p p", "aqs strain xy step -0.01 to -0.005", r"final strain \(to -0.005\) is smaller than one increment"),
    ("p p p", "aqs strain xy step 0.01 to -0.1", r"must have the same sign"),
    ("p p p", "aqs strain xy step 0.01 to 0", r"final strain \(to\) must be non-zero"),
    ("p p p", "aqs strain zz step -0.01 to -0.95", r"would crush the box"),
    ("p p p", "aqs strain xw step 0.01 to 0.1", r"unknown strain component 'xw'"),
    ("p p p", "aqs strain xy step 0.01", r"missing 'to GMAX'"),
    ("p p p", "aqs step 0.01 to 0.1", r"missing 'strain COMPONENT'"),
    ("p p p", "aqs strain xy to 0.1", r"missing 'step DG'"),
    ("p p p", "aqs strain xy step 0.5 to 1", r"not quasistatic"),
    ("p p p", "aqs strain xy step abc to 0.1", r"strain increment must be a number, got 'abc'"),
    ("p p p", A + " min newton", r"minimiser 'newton' is not cg or fire"),
    ("p p p", A + " shear 3", r"unknown keyword 'shear'"),
    ("p p p", A + " drop 0.05 furlongs", r"unknown pressure unit 'furlongs'"),
    ("p p p", A + " drop -1 GPa", r"stress drop threshold must be >= 0 .*got -1 GPa"),
    ("p p p", A + " moved 0 A", r"displacement of a moved atom must be positive"),
    ("p p p", A + " ftol -1", r"ftol must be >= 0"),
    ("p p p", A + " etol 2", r"etol must be in \[0, 1\)"),
    ("p p p", A + " maxiter 0", r"iterations"),
    ("p p p", A + " every -2", r"checkpoint interval"),
    ("p p p", A + " fit 2", r"largest strain of the modulus fit must be between 0 and 1"),
    ("p p p", A + " file", r"file prefix"),
    ("p f p", A, r"shear xy needs a periodic box along y \(boundary is 'f'\)"),
    ("p p s", "aqs strain zz step 0.01 to 0.1", r"not shrink-wrapped along z"),
    ("p p s", A, r"shear needs a triclinic box, and boundary 's'"),
]

with tempfile.TemporaryDirectory() as wd:
    for k, (bnd, line, pattern) in enumerate(BAD):
        for np_ in ([None, 2] if k == 0 else [None]):
            p = mt.run_mgmd(HEAD.format(bnd=bnd) + line + "\n", os.path.join(wd, f"bad{k}"), np_=np_, check=False,
                            timeout=120)
            msg = (p.stdout + p.stderr).strip()
            first = next((m for m in msg.splitlines() if "ERROR" in m), "(no ERROR line)")
            ok = p.returncode == 2 and re.search(r"in\.deck:5: aqs", first) and re.search(pattern, first)
            nothing = not os.path.exists(os.path.join(wd, f"bad{k}", "aqs.csv"))
            C.check(bool(ok) and nothing, f"'{line}' ({bnd}){' on 2 ranks' if np_ else ''}: exit {p.returncode}: "
                    f"{first}")
    for k, (head, what) in enumerate([("units metal\n", r"in\.deck:2: aqs: no system yet"),
                                      ("units metal\ncreate_lattice fcc 3.615 cells 3 3 3 types Cu\n",
                                       r"in\.deck:3: aqs: no potential chosen")]):
        p = mt.run_mgmd(head + A + "\n", os.path.join(wd, f"nosys{k}"), check=False, timeout=120)
        first = next((m for m in (p.stdout + p.stderr).splitlines() if "ERROR" in m), "(no ERROR line)")
        C.check(p.returncode == 2 and re.search(what, first), f"'{A}' {'before a system' if k == 0 else 'without a potential'}: "
                f"exit {p.returncode}: {first}")
C.finish()
