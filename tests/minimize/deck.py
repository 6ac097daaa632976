#!/usr/bin/python3
"""The `minimize` command's deck handling and non-periodic boxes.

- Mistakes in a `minimize` line stop the run with exit 2 and
  "ERROR: in.deck:LINE: minimize: ..." naming what was wrong (also on 3
  ranks for one of them, without hanging).
- The glass slab (tests/data/cuzr-slab.data, vacuum along z) minimised with
  a fixed ('f') and a shrink-wrapped ('s') z boundary by CG and FIRE: force
  tolerance reached and one energy per atom (1e-6 eV/atom) in all four runs.
- Thermo lines appear at multiples of `thermo every` and at the last step,
  which is the initial step plus the iteration count.
"""
import os
import re
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mincommon as mc  # noqa: E402

mt = mc.mt
C = mc.Checks()

HEAD = """units metal
boundary p p {bnd}
create_lattice fcc 3.7 cells 3 3 3 types Cu
potential eam/fs CuZr_mm.eam.fs Cu
"""
BAD = [
    ("p", "minimize cg ftol 1e-6", r"missing 'etol E'"),
    ("p", "minimize cg etol 0", r"missing 'ftol F'"),
    ("p", "minimize newton etol 0 ftol 1e-6", r"unknown keyword 'newton'"),
    ("p", "minimize cg etol 0 ftol 1e-6 fire", r"style \(fire\) must come first"),
    ("p", "minimize cg etol 0 ftol 1e-6 box shear 0", r"box 'shear' is not iso, aniso or tri"),
    ("p", "minimize cg etol 0 ftol 1e-6 box iso 3 furlongs", r"unknown pressure unit 'furlongs'"),
    ("p", "minimize cg etol 0 ftol 1e-6 box iso", r"target pressure"),
    ("p", "minimize cg etol 0 ftol 1e-6 vmax 2", r"vmax must be in \(0, 1\)"),
    ("p", "minimize cg etol -1 ftol 1e-6", r"etol must be in \[0, 1\)"),
    ("p", "minimize cg etol 0 ftol -1", r"ftol must be >= 0"),
    ("p", "minimize cg etol 0 ftol 1e-6 maxiter -3", r"maxiter|iterations"),
    ("f", "minimize cg etol 0 ftol 1e-6 box aniso 0", r"needs a periodic box, but the boundary in z is 'f'"),
]

with tempfile.TemporaryDirectory() as wd:
    for k, (bnd, line, pattern) in enumerate(BAD):
        for np_ in ([None, 3] if k == 0 else [None]):
            p = mt.run_mgmd(HEAD.format(bnd=bnd) + line + "\n", os.path.join(wd, f"bad{k}"), np_=np_, check=False,
                            timeout=120)
            msg = (p.stdout + p.stderr).strip()
            first = next((m for m in msg.splitlines() if "ERROR" in m), "(no ERROR line)")
            ok = p.returncode == 2 and re.search(r"in\.deck:5: minimize", first) and re.search(pattern, first)
            C.check(bool(ok), f"'{line}'{' (3 ranks)' if np_ else ''}: exit {p.returncode}: {first}")

    energies = []
    for bnd in ("f", "s"):
        for style in ("cg", "fire"):
            deck = f"""units metal
boundary p p {bnd}
read_data {mt.DATA}/cuzr-slab.data
potential eam/fs CuZr_mm.eam.fs Cu Zr
thermo every 50 file thermo.csv
minimize {style} etol 0 ftol 1e-6 maxiter 100000 maxeval 100000
"""
            sub = os.path.join(wd, f"slab-{bnd}-{style}")
            r = mc.parse_reports(mt.run_mgmd(deck, sub).stdout)[-1]
            energies.append(r["e1_atom"])
            C.check(r["stop"] == "force tolerance" and r["fnorm1"] < 1e-6,
                    f"slab p p {bnd} {style:4s}: '{r['stop']}', |F| {r['fnorm1']:.1e} eV/A, E/N {r['e1_atom']:.10f} eV, "
                    f"{r['niter']} iterations")
            steps = [int(s) for s in mt.read_thermo(os.path.join(sub, "thermo.csv"))["step"]]
            want = sorted(set([0] + list(range(50, r["niter"] + 1, 50)) + [r["niter"]]))
            C.check(steps == want, f"slab p p {bnd} {style:4s}: thermo at steps {steps[:3]}...{steps[-2:]} "
                    f"({len(steps)} lines, expected {len(want)})")
    spread = max(energies) - min(energies)
    C.check(spread < 1e-6, f"slab: E/N spread over f/s boundaries and cg/fire {spread:.1e} eV (tol 1e-6)")
C.finish()
