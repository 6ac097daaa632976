#!/usr/bin/python3
"""tools/plot-structure on the tables of an rdf observer: it writes a valid
PNG (signature, IHDR first, > 10 kB: an empty figure is ~5 kB) from a
prefix or from one of the CSV files, overlays two stages, adds a Voronoi
motif panel (from the voronoi observer when this mgmd has it, and from a
table in the documented format in any case), and refuses a missing table
or a motif table without the index columns (exit 2, naming the file)."""
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pairref as pr  # noqa: E402

mt = pr.mt
C = pr.Checks()
TOOL = os.path.join(mt.HERE, "..", "tools", "plot-structure")
MOTIFS = """step,time[ps],temp[K],element,rank,n3,n4,n5,n6,n7,count,fraction
20,0.04,300,all,1,0,2,8,2,0,60,0.12
20,0.04,300,all,2,0,0,12,0,0,50,0.1
20,0.04,300,Cu,1,0,0,12,0,0,48,0.15
20,0.04,300,Cu,2,0,2,8,2,0,40,0.125
20,0.04,300,Zr,1,0,1,10,4,0,20,0.111
20,0.04,300,Zr,2,0,1,10,5,1,19,0.106
"""


is_png = pr.mt.is_png


def tool(*args):
    return subprocess.run([TOOL, *args], capture_output=True, text=True)


with tempfile.TemporaryDirectory() as wd:
    p = mt.run_mgmd(f"""units metal
timestep 2 fs
read_data {mt.DATA}/cuzr-glass.data
potential eam/fs CuZr_mm.eam.fs Cu Zr
rdf s every 10 file s.* weights neutron
run 10
run 10
""", wd)
    p = tool(os.path.join(wd, "s.10"))
    C.check(p.returncode == 0 and f"wrote {wd}/s.10.png" in p.stdout, f"plot-structure PREFIX: exit {p.returncode}")
    C.check(is_png(os.path.join(wd, "s.10.png")), "  a PNG of > 10 kB next to the tables")
    out = os.path.join(wd, "two.png")
    p = tool(os.path.join(wd, "s.10.sq.csv"), os.path.join(wd, "s.20"), "--no-partials", "--qmax", "12", "-o", out)
    C.check(p.returncode == 0 and is_png(out), f"two stages overlaid, from a CSV name and a prefix: exit {p.returncode}")

    motifs = os.path.join(wd, "doc_motifs.csv")
    with open(motifs, "w") as f:
        f.write(MOTIFS)
    out = os.path.join(wd, "motifs.png")
    p = tool(os.path.join(wd, "s.20"), "--voronoi", motifs, "--top", "3", "-o", out)
    C.check(p.returncode == 0 and is_png(out), f"with a motif table in the documented format: exit {p.returncode}")
    p = tool("--voronoi", motifs)
    C.check(p.returncode == 0 and is_png(os.path.join(wd, "doc_motifs.png")), "motif table alone")

    # The voronoi observer's own table, when this mgmd has the command.
    v = mt.run_mgmd(f"""units metal
read_data {mt.DATA}/cuzr-glass.data
potential eam/fs CuZr_mm.eam.fs Cu Zr
voronoi vor file vor
analyze vor
""", os.path.join(wd, "vor"), check=False)
    real = os.path.join(wd, "vor", "vor_motifs.csv")
    if v.returncode == 0 and os.path.exists(real):
        out = os.path.join(wd, "vor.png")
        p = tool("--voronoi", real, "-o", out)
        C.check(p.returncode == 0 and is_png(out), f"the voronoi observer's vor_motifs.csv: exit {p.returncode} "
                f"{p.stderr.strip()}")
    else:
        print("skip the voronoi observer's own table: this mgmd has no working `voronoi` command yet")

    bad = os.path.join(wd, "bad.png")
    p = tool(os.path.join(wd, "nosuch"), "-o", bad)
    C.check(p.returncode == 2 and "nosuch.gr.csv: not found" in p.stderr and not os.path.exists(bad),
            f"a missing table: exit {p.returncode}, {p.stderr.strip()}")
    broken = os.path.join(wd, "broken_motifs.csv")
    with open(broken, "w") as f:
        f.write("step,element,count\n0,Cu,5\n")
    p = tool("--voronoi", broken, "-o", bad)
    C.check(p.returncode == 2 and "expected columns" in p.stderr and not os.path.exists(bad),
            f"a motif table without index columns: exit {p.returncode}, {p.stderr.strip()}")
C.finish()
