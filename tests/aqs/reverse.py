#!/usr/bin/python3
"""Negative loading (reverse shear, compression) by mirror symmetry.

The mirror y -> Ly - y maps the planted-instability crystal of
aqscommon.py onto another crystal (its mirror image) and a shear xy of +g
onto a shear of -g: x + g y becomes x - g y'. So AQS of the mirrored
crystal with `step -0.008 to -0.136` must reproduce AQS of the original
with `step 0.008 to 0.136`, the avalanche at 0.128 included (a box flip
at 0.104 on the way, to xy + Lx): strains -k 0.008; sxy and syz negated,
sxx, syy, szz, sxz and von Mises unchanged; the same energies; the same
avalanche increments, drops (the conjugate stress rises under reverse
shear, and the drop is counted in the loading direction), energy drops and
moved atoms. The two minimisations start from mirror-image positions that
differ in the last bits, so they agree to round-off, not bitwise: stresses
within 1e-8 GPa and energies within 1e-10 eV/atom (the bounds of
tests/aqs/ranks.py), drops and energy drops within 1e-5 (six printed
digits). Compression: `aqs strain zz step -1e-4 to -1e-3` on the same
crystal shortens Lz to L0 (1 - 1e-3) and its szz falls (compressive
stress negative) with a slope within 5 % of the tension run's.
"""
import os
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import aqscommon as ac  # noqa: E402

mt = ac.mt
C = mt.Checks()


with tempfile.TemporaryDirectory() as wd:
    ac.write_crystal(os.path.join(wd, "crystal.data"))
    ac.write_crystal(os.path.join(wd, "mirror.data"), mirror_y=True)
    res = {}
    for tag, data, sign in (("fwd", "crystal.data", 1), ("rev", "mirror.data", -1)):
        deck = f"""units metal
read_data {os.path.join(wd, data)}
potential eam/fs CuZr_mm.eam.fs Cu Zr
aqs strain xy step {sign * 0.008} to {sign * 0.136} drop 0.05 GPa moved 0.5 A file cu
"""
        sub = os.path.join(wd, tag)
        mt.run_mgmd(deck, sub)
        res[tag] = (ac.read_table(os.path.join(sub, "cu_aqs.csv")), ac.read_table(os.path.join(sub, "cu_avalanches.csv")))
    (tf, af), (tr, ar) = res["fwd"], res["rev"]
    C.check(len(tf["strain"]) == 18 and np.allclose(tr["strain"], -tf["strain"], rtol=0, atol=1e-15),
            f"reverse strains are -k 0.008 ({len(tr['strain'])} rows)")
    ds = max([np.abs(tr[c] + tf[c]).max() for c in ("sxy", "syz")] +
             [np.abs(tr[c] - tf[c]).max() for c in ("sxx", "syy", "szz", "sxz", "von_mises")])
    de = np.abs(tr["pe"] - tf["pe"]).max()
    C.check(ds < 1e-8 and de < 1e-10, f"mirror: sxy, syz negated, the rest equal (max diff {ds:.1e} GPa, tol 1e-8); "
            f"energies equal (max diff {de:.1e} eV/atom, tol 1e-10)")
    n = len(af["increment"])
    same = (n >= 1 and len(ar["increment"]) == n and np.array_equal(af["increment"], ar["increment"]) and
            np.array_equal(af["moved_atoms"], ar["moved_atoms"]) and
            np.allclose(ar["strain"], -af["strain"], rtol=0, atol=1e-15) and
            np.allclose(ar["stress_drop"], af["stress_drop"], rtol=1e-5, atol=0) and
            np.allclose(ar["energy_drop"], af["energy_drop"], rtol=1e-5, atol=0) and (ar["stress_drop"] > 0).all())
    C.check(same, f"mirror: the same avalanches (increments {list(af['increment'])} vs {list(ar['increment'])}, "
            f"drops {list(af['stress_drop'])} vs {list(ar['stress_drop'])} GPa, positive in the loading direction)")

    slopes = {}
    for sign in (1, -1):
        deck = f"""units metal
read_data {os.path.join(wd, "crystal.data")}
potential eam/fs CuZr_mm.eam.fs Cu Zr
write_data start.data
aqs strain zz step {sign * 1e-4} to {sign * 1e-3} file c
write_data end.data
"""
        sub = os.path.join(wd, f"zz{sign}")
        mt.run_mgmd(deck, sub)
        t = ac.read_table(os.path.join(sub, "c_aqs.csv"))
        slopes[sign] = np.polyfit(t["strain"], t["szz"], 1)[0]
        if sign < 0:
            d0, d1 = mt.read_data(os.path.join(sub, "start.data")), mt.read_data(os.path.join(sub, "end.data"))
            L0, L1 = d0["hi"] - d0["lo"], d1["hi"] - d1["lo"]
            C.check(abs(L1[2] - L0[2] * 0.999) < 1e-11 and t["szz"][-1] < t["szz"][0],
                    f"compression: Lz {L1[2]!r} A = 0.999 Lz0 ({L0[2] * 0.999!r}), szz falls "
                    f"({t['szz'][0]:.4f} -> {t['szz'][-1]:.4f} GPa)")
    C.check(abs(slopes[-1] / slopes[1] - 1) < 0.05, f"compression slope {slopes[-1]:.3f} GPa vs tension "
            f"{slopes[1]:.3f} GPa (tol 5 %)")
C.finish()
