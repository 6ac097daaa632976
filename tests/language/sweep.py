#!/usr/bin/python3
"""A temperature sweep in one deck equals the same points run as separate
decks, one after another.

The sweep: `for T in 700 900 1100 K`, each pass `clear`, read the Cu-Zr
liquid, velocities at T, a short NVT run at T with its own thermo CSV and
dump, and one summary line appended to summary.txt (`print ... append`).
The separate decks are the loop's body with T set by `variable T = ...`,
run in the same folder in turn. Every file (three CSVs, three dumps, the
summary) must be byte for byte the same, on 1 rank and on 2 ranks.
The same sweep written LAMMPS' way (`variable T index ...` and `next T`
inside `for k from 1 to 3`) gives the same summary."""
import os
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import mgmdtest as mt  # noqa: E402

check = mt.Checks()
BODY = f"""clear
units metal
timestep 2 fs
read_data {mt.DATA}/cuzr-liquid.data
potential eam/fs CuZr_mm.eam.fs Cu Zr
neighbor skin 1.0
velocity create ${{T}} K seed 4242
ensemble nvt temp ${{T}} K tdamp 0.1 ps
thermo every 20 file thermo_${{T}}.csv
dump d every 50 file traj_${{T}}.dump columns id type x y z vx vy vz
run 150
print "${{T}} K: temp $(temp:%.12g) K, pe $(pe:%.12g) eV, press $(press:%.12g) bar" append summary.txt
"""
POINTS = (700, 900, 1100)


def indent(text):
    return "".join("  " + l + "\n" for l in text.strip("\n").split("\n"))


def files(d):
    out = {}
    for n in sorted(os.listdir(d)):
        if n.endswith((".csv", ".dump", ".txt")):
            with open(os.path.join(d, n), "rb") as f:
                out[n] = f.read()
    return out


for np_ in (None, 2):
    tag = f"{np_ or 1} rank{'s' if np_ else ''}"
    with tempfile.TemporaryDirectory() as wd:
        sweep, apart, lammps_way = (os.path.join(wd, n) for n in ("sweep", "apart", "index"))
        mt.run_mgmd("for T in %s K\n%send\n" % (" ".join(map(str, POINTS)), indent(BODY)), sweep, np_=np_)
        for T in POINTS:
            mt.run_mgmd(f"variable T = {T}\n" + BODY, apart, np_=np_)
        mt.run_mgmd("variable T index %s\nfor k from 1 to %d\n%s  next T\nend\n" %
                    (" ".join(map(str, POINTS)), len(POINTS), indent(BODY)), lammps_way, np_=np_)
        a, b, c = files(sweep), files(apart), files(lammps_way)
        lines = a.get("summary.txt", b"").decode().splitlines()
        check(len(a) == 7 and set(a) == set(b), f"{tag}: the sweep writes {sorted(a)}")
        check(len(lines) == 3 and all(l.startswith(f"{T} K:") for l, T in zip(lines, POINTS)),
              f"{tag}: one summary line per point: {lines}")
        diff = [n for n in b if a.get(n) != b[n]]
        check(not diff, f"{tag}: every table and dump of the sweep equals that of the separate decks" +
              (f" (differ: {diff})" if diff else ""))
        check(c.get("summary.txt") == b.get("summary.txt"), f"{tag}: index + next inside a for loop gives the same summary")
check.finish()
