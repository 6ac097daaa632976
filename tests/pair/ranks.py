#!/usr/bin/python3
"""The rdf observer is independent of the rank count: on 1, 2, 3, 4 and 8
ranks the g(r), S(q), G(r) and coordination tables of a configuration are
identical byte for byte (pair counts are integers, each ordered pair is
counted once, by the rank owning its centre, and rank 0 alone turns them
into tables), for the orthogonal glass, the triclinic liquid and the glass
slab with a non-periodic z (whose missing images must not be counted).
3 ranks cut the 20 A box into slabs thinner than rmax, so the private ghost
shell takes two hops; 8 ranks cut it in every dimension.

A short run sampling every 5 steps is compared too: trajectories on
different rank counts agree only to round-off (~1e-13 A after 20 steps),
so a pair could in principle cross a bin edge; the tables are required to
be identical all the same (the chance of a crossing is ~1e-7), and a
difference is reported with its size.
Usage: ranks.py [RANKS...] (default 1 2 3 4 8)."""
import filecmp
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pairref as pr  # noqa: E402

mt = pr.mt
C = pr.Checks()
RANKS = [int(r) for r in (sys.argv[1:] or ["1", "2", "3", "4", "8"])]
CASES = {
    "glass": ("cuzr-glass.data", "p p p", ""),
    "triclinic": ("cuzr-triclinic.data", "p p p", ""),
    "slab": ("cuzr-slab.data", "p p f", ""),
    "glass-run": ("cuzr-glass.data", "p p p", "run"),
}
FILES = ["gr", "sq", "pdf", "cn"]

with tempfile.TemporaryDirectory() as wd:
    for case, (data, bnd, mode) in CASES.items():
        if mode == "run":
            body = """timestep 2 fs
rdf s every 5 file s.* weights neutron window lorch
run 20
"""
            names = [f"s.20.{f}.csv" for f in FILES]
        else:
            body = """rdf s file s.* weights neutron
analyze s
"""
            names = [f"s.0.{f}.csv" for f in FILES]
        deck = f"""units metal
boundary {bnd}
read_data {mt.DATA}/{data}
potential eam/fs CuZr_mm.eam.fs Cu Zr
{body}"""
        ranks = RANKS if mode != "run" else [r for r in RANKS if r <= 4]
        ref = None
        for np_ in ranks:
            sub = os.path.join(wd, f"{case}-{np_}")
            p = mt.run_mgmd(deck, sub, np_=np_ if np_ > 1 else None, timeout=300)
            if case == "slab" and np_ == ranks[0]:
                C.check("not periodic in every dimension" in p.stdout + p.stderr,
                        "slab: warns that g(r) of a non-periodic box does not tend to 1")
            if ref is None:
                ref = sub
                continue
            same = [filecmp.cmp(os.path.join(ref, n), os.path.join(sub, n), shallow=False) for n in names]
            detail = ""
            if not all(same):
                _, a = pr.read_csv(os.path.join(ref, names[0]))
                _, b = pr.read_csv(os.path.join(sub, names[0]))
                detail = f" (g_total differs by up to {max(abs(a['g_total'] - b['g_total'])):.2e})"
            C.check(all(same), f"{case}: {np_} ranks: {', '.join(names)} identical to {ranks[0]} rank{detail}")
C.finish()
