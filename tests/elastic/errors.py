#!/usr/bin/python3
"""Bad `elastic` lines: each gives `in.deck:LINE: elastic: ...` on stderr
(the deck file and line, what was wrong, what was expected), exit status 2
(input error, docs/errors.md), no crash and no hang; checked before any
strain is applied. The same catalogue style as tests/errors/bad_inputs.py;
the cases are counted in docs/testing.md. Two of them also on 3 ranks,
where every rank must leave."""
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import mgmdtest as mt  # noqa: E402

CU = "units metal\ncreate_lattice fcc 3.639 cells 3 3 3 types Cu\n"           # lines 1-2
POT = "potential eam/fs CuZr_mm.eam.fs Cu\n"                                     # line 3
BASE = CU + POT
NVT = "ensemble nvt temp 300 K tdamp 0.1 ps\n"
HOT = BASE + "velocity create 300 K seed 1\n" + NVT                              # lines 4-5
SLAB = f"units metal\nboundary p p f\nread_data {mt.DATA}/cuzr-slab.data\npotential eam/fs CuZr_mm.eam.fs Cu Zr\n"
L = r"in\.deck:{}: elastic: "

# (name, deck, regex of the message, ranks)
CASES = [
    ("missing strain", BASE + "elastic relax yes\n", L.format(4) + r"missing 'strain EPS' \(usage: elastic strain EPS"),
    ("strain 0", BASE + "elastic strain 0\n", L.format(4) + r"the strain must be in \(0, 0\.05\].*got 0"),
    ("strain too large", BASE + "elastic strain 0.06\n", L.format(4) + r"the strain must be in \(0, 0\.05\].*got 0\.06"),
    ("strain negative", BASE + "elastic strain -1e-3\n", L.format(4) + r"the strain must be in \(0, 0\.05\].*got -0\.001"),
    ("strain not a number", BASE + "elastic strain small\n", L.format(4) + r"strain must be a number, got 'small'"),
    ("unknown keyword", BASE + "elastic strain 1e-3 relx yes\n",
     L.format(4) + r"unknown keyword 'relx' \(expected strain relax file ftol maxiter temp steps equil blocks\)"),
    ("relax not yes/no", BASE + "elastic strain 1e-3 relax maybe\n", L.format(4) + r"relax must be yes or no, got 'maybe'"),
    ("no potential", CU + "elastic strain 1e-3\n", L.format(3) + r"no potential chosen \(use the potential command\)"),
    ("no system", "units metal\nelastic strain 1e-3\n", L.format(2) + r"no system yet"),
    ("non-periodic box", SLAB + "elastic strain 1e-3\n", L.format(5) + r"the box must be periodic in x, y and z \(the boundary in z is 'f'\)"),
    ("held atoms", BASE + "freeze hold\nelastic strain 1e-3\n", L.format(5) + r"a fix holds atoms \(freeze or move\)"),
    ("ftol negative", BASE + "elastic strain 1e-3 ftol -1\n", L.format(4) + r"ftol must be in \[0, 1\] eV/A"),
    ("maxiter 0", BASE + "elastic strain 1e-3 maxiter 0\n", L.format(4) + r"maximum number of iterations must be between 1 and"),
    ("unwritable file", BASE + "elastic strain 1e-3 file /nonexistent/dir/el\n",
     L.format(4) + r"cannot write /nonexistent/dir/el_cij\.csv: No such file or directory"),
    ("tilt beyond the limit", BASE + "change_box triclinic xy final $(0.499*lx) remap\nelastic strain 0.01\n",
     L.format(5) + r"the xy strain \+0\.01 tilts the box too far"),
    # finite temperature
    ("steps without temp", BASE + "elastic strain 1e-2 steps 100\n", L.format(4) + r"'steps', 'equil' and 'blocks' belong to the finite-temperature calculation: give 'temp T'"),
    ("temp without steps", HOT + "elastic strain 1e-2 temp 300 K\n", L.format(6) + r"'temp' needs 'steps N'"),
    ("temp 0 K", HOT + "elastic strain 1e-2 temp 0 K steps 100\n", L.format(6) + r"the temperature must be above 0 K"),
    ("temp with relax", HOT + "elastic strain 1e-2 temp 300 K steps 100 relax yes\n",
     L.format(6) + r"'relax', 'ftol' and 'maxiter' belong to the 0 K calculation"),
    ("temp without a thermostat", BASE + "velocity create 300 K seed 1\nelastic strain 1e-2 temp 300 K steps 100\n",
     L.format(5) + r"'temp' needs a thermostat to copy: choose one with 'ensemble nvt'"),
    ("temp without velocities", BASE + NVT + "elastic strain 1e-2 temp 300 K steps 100\n",
     L.format(5) + r"the atoms have no velocities"),
    ("temp with a user fix", HOT + "addforce push 0.1 0 0\nelastic strain 1e-2 temp 300 K steps 100\n",
     L.format(7) + r"fix 'push' \(addforce\) is defined; the strained runs have the thermostat only"),
    ("fewer steps than blocks", HOT + "elastic strain 1e-2 temp 300 K steps 5 blocks 10\n",
     L.format(6) + r"5 sampled steps cannot make 10 blocks"),
    ("blocks 1", HOT + "elastic strain 1e-2 temp 300 K steps 100 blocks 1\n",
     L.format(6) + r"number of blocks must be between 2 and 1000"),
    ("temperature unit", HOT + "elastic strain 1e-2 temp 300 GPa steps 100\n",
     L.format(6) + r"temperature is a temperature, but 'GPa' is a unit of pressure"),
]
MPI = {"missing strain", "temp without a thermostat"}

failed = total = 0
for name, deck, pattern in CASES:
    for np_ in ([None, 3] if name in MPI else [None]):
        total += 1
        with tempfile.TemporaryDirectory() as wd:
            try:
                p = mt.run_mgmd(deck, wd, np_=np_, timeout=120, check=False)
            except subprocess.TimeoutExpired:
                print(f"FAIL {name}: hung (np={np_})")
                failed += 1
                continue
            msg = p.stderr
            ok = (p.returncode == 2 if np_ is None else p.returncode != 0) and "ERROR" in msg and re.search(pattern, msg)
            ok = ok and "Segmentation" not in msg and "AddressSanitizer" not in msg and "runtime error" not in msg
            first = next((l for l in msg.split("\n") if "ERROR" in l), msg.strip()[:200])
            print(f"{'ok  ' if ok else 'FAIL'} {name}{'' if np_ is None else ' (3 ranks)'}: exit {p.returncode}: {first}")
            if not ok:
                print("     expected /%s/\n     stderr: %s" % (pattern, msg[-800:]))
                failed += 1
print(f"{total - failed} passed, {failed} failed")
sys.exit(1 if failed else 0)
