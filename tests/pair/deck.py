#!/usr/bin/python3
"""The `rdf` command's deck handling: each mistake stops the run with exit 2
and "ERROR: in.deck:LINE: rdf: ..." saying what was wrong (one of them also
on 3 ranks, without hanging); a box that shrinks below 2 rmax during a run
stops it with a message (exit 2); a file that cannot be written is a runtime
error (exit 3) naming the file."""
import os
import re
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pairref as pr  # noqa: E402

mt = pr.mt
C = pr.Checks()

HEAD = f"""units metal
read_data {mt.DATA}/cuzr-glass.data
potential eam/fs CuZr_mm.eam.fs Cu Zr
"""
BAD = [
    ("rdf g rmax 10.5", r"rmax 10\.5 A is more than half the smallest periodic box height \(10\.0489 A\).*images yes"),
    ("rdf g rmax 1.1 nm", r"rmax 11 A is more than half"),
    ("rdf g rmax 5 furlongs", r"unknown length unit 'furlongs'"),
    ("rdf g bins 0", r"number of bins"),
    ("rdf g weights xray", r"x-ray weights need q-dependent atomic form factors"),
    ("rdf g weights magnetic", r"unknown weights 'magnetic' \(expected number or neutron\)"),
    ("rdf g window hann", r"unknown window 'hann' \(expected none or lorch\)"),
    ("rdf g colour blue", r"unknown keyword 'colour'"),
    ("rdf g qmax 200 rmax 5 bins 100", r"qmax 200 1/A is beyond pi/dr = 62\.83"),
    ("rdf g dq -1", r"dq must be positive"),
    ("rdf g/h", r"observer name 'g/h' may hold only letters"),
    ("rdf g\nrdf g", r"an observer named 'g' exists already"),
]

with tempfile.TemporaryDirectory() as wd:
    for k, (line, pattern) in enumerate(BAD):
        for np_ in ([None, 3] if k == 0 else [None]):
            p = mt.run_mgmd(HEAD + line + "\n", os.path.join(wd, f"bad{k}"), np_=np_, check=False, timeout=120)
            msg = (p.stdout + p.stderr).strip()
            first = next((m for m in msg.splitlines() if "ERROR" in m), "(no ERROR line)")
            lineno = 4 + line.count("\n")
            ok = p.returncode == 2 and re.search(rf"in\.deck:{lineno}: rdf", first) and re.search(pattern, first)
            C.check(bool(ok), f"'{line.replace(chr(10), ' / ')}'{' (3 ranks)' if np_ else ''}: exit {p.returncode}: "
                    f"{first}")

    # Neutron weights need tabulated elements (Sm is left out: energy dependent).
    p = mt.run_mgmd("""units metal
create_lattice fcc 4.0 cells 3 3 3 types Sm
rdf g weights neutron
analyze g
""", os.path.join(wd, "sm"), check=False, timeout=120)
    first = next((m for m in (p.stdout + p.stderr).splitlines() if "ERROR" in m), "(no ERROR line)")
    C.check(p.returncode == 2 and "no coherent neutron scattering length tabulated for element Sm" in first,
            f"neutron weights for Sm: exit {p.returncode}: {first}")

    # A box compressed below 2 rmax during a run.
    p = mt.run_mgmd(HEAD + """velocity create 300 seed 1
ensemble npt temp 300 tdamp 0.1 press 200000 pdamp 0.1
rdf g rmax 10.04 every 5
run 200
""", os.path.join(wd, "shrink"), check=False, timeout=300)
    first = next((m for m in (p.stdout + p.stderr).splitlines() if "ERROR" in m), "(no ERROR line)")
    C.check(p.returncode == 2 and re.search(r"rdf g: rmax 10\.04 A is more than half the smallest periodic box "
                                            r"height \(\d+\.\d+ A\)", first),
            f"box shrinking under rmax during a run: exit {p.returncode}: {first}")

    # Unwritable output.
    p = mt.run_mgmd(HEAD + "rdf g file nosuchdir/g\nanalyze g\n", os.path.join(wd, "nodir"), check=False, timeout=120)
    first = next((m for m in (p.stdout + p.stderr).splitlines() if "ERROR" in m), "(no ERROR line)")
    C.check(p.returncode == 3 and "cannot write nosuchdir/g.gr.csv: No such file or directory" in first,
            f"unwritable file: exit {p.returncode}: {first}")
C.finish()
