#!/usr/bin/python3
"""tools/plot-thermo on the thermo CSVs of a short mgmd run: it writes a
valid PNG (signature, IHDR first, > 10 kB: an empty figure is ~5 kB) next
to the CSV or where -o says, overlays several files with chosen columns,
and refuses a column the CSV lacks (exit 2, naming the columns it has).
A minimisation after a quench (rows at one time, later steps) is reported
as its own stage at the quench's end time."""
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import mgmdtest as mt

TOOL = os.path.join(mt.HERE, "..", "tools", "plot-thermo")
checks = mt.Checks()
check = checks.named
is_png = mt.is_png


with tempfile.TemporaryDirectory() as wd:
    mt.run_mgmd(f"""units metal
timestep 1 fs
read_data {mt.DATA}/cuzr-liquid.data
potential eam/fs CuZr_mm.eam.fs Cu Zr
thermo every 5 file thermo.csv
run 100
thermo every 5 file second.csv
run 50
""", wd)
    csv = os.path.join(wd, "thermo.csv")
    p = subprocess.run([TOOL, csv], capture_output=True, text=True)
    check("plot-thermo THERMO.csv exits 0", p.returncode == 0)
    check("it prints where it wrote", f"wrote {wd}/thermo.png" in p.stdout)
    check("default output is a PNG of > 10 kB", is_png(os.path.join(wd, "thermo.png")))
    out = os.path.join(wd, "chosen.png")
    p = subprocess.run([TOOL, csv, os.path.join(wd, "second.csv"), "-o", out, "--columns", "temp,etotal,vol,pxy"],
                       capture_output=True, text=True)
    check("two CSVs, --columns, -o: exits 0", p.returncode == 0)
    check("-o output is a PNG of > 10 kB", is_png(out))
    bad = os.path.join(wd, "bad.png")
    p = subprocess.run([TOOL, csv, "-o", bad, "--columns", "temp,nosuch"], capture_output=True, text=True)
    check("an unknown column exits 2", p.returncode == 2)
    check("  and names the columns that exist", "nosuch" in p.stderr and "temp" in p.stderr)
    check("  and writes no PNG", not os.path.exists(bad))

    # A quench followed by a minimisation: the minimisation is its own stage.
    mt.run_mgmd(f"""units metal
timestep 1 fs
read_data {mt.DATA}/cuzr-liquid.data
potential eam/fs CuZr_mm.eam.fs Cu Zr
thermo every 5 file q.csv
ensemble nvt temp 1500 K tdamp 0.1 ps
quench from 1500 K to 1000 K rate 1e15 K/s
minimize cg etol 1e-8 ftol 1e-6 maxiter 200
run 20
""", wd)
    qcsv = os.path.join(wd, "q.csv")
    t = mt.read_thermo(qcsv)
    same_time = int(((t["time"][1:] == t["time"][:-1]) & (t["step"][1:] > t["step"][:-1])).sum())
    p = subprocess.run([TOOL, qcsv, "--columns", "pe,temp"], capture_output=True, text=True)
    stage = [l for l in p.stdout.splitlines() if "minimisation at" in l]
    check(f"quench + minimize + run: exits 0 and names one minimisation stage ({stage[:1]})",
          p.returncode == 0 and len(stage) == 1 and same_time >= 1)
    m0 = float(stage[0].split("minimisation at ")[1].split(" ps")[0]) if stage else -1
    check(f"  at the quench's end time ({m0} ps; the run after it ends 0.020 ps later)",
          stage and abs(m0 - (t["time"][-1] - 0.020)) < 1e-9)
    check("  and the plot is a PNG of > 10 kB", is_png(os.path.join(wd, "q.png")))

checks.finish()
