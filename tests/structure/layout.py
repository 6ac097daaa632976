#!/usr/bin/python3
"""The source tree keeps the layout docs/architecture.md describes; this
test reads the sources (no build needed) and fails on a break:

1. Include direction: integrate/ includes no deck/ or io/ header (the
   integrator knows neither the deck nor file formats: outputs and
   checkpoints reach it as fix-list entries); io/ includes no analysis/
   header but the observer interface (analysis/observer.h); system/,
   parallel/, neighbor/, potential/ and core/ include nothing from the
   layers above them (integrate, fix, deck, io, analysis, edit, create,
   minimize).
2. Only parallel/parallel.c calls MPI: no MPI_Xxx( call anywhere else. The
   HDF5 glue (io/checkpoint.c, io/h5md.c) may include mpi.h for the
   constants H5Pset_fapl_mpio needs, and nothing else may.
3. Exactly one command registry: only deck/registry.c defines an array of
   deck_command; each of its lines names a distinct command, and every
   `void cmd_NAME(deck *dk)` defined in src/ is registered, and every
   registered command is defined, exactly once.
4. Every .c and .cpp file opens with a comment (its contract), not with
   #include."""
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import mgmdtest as mt  # noqa: E402

SRC = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "src")
check = mt.Checks()
files = {}
for root, _, names in os.walk(SRC):
    for n in names:
        if n.endswith((".c", ".h", ".cpp")):
            p = os.path.join(root, n)
            files[os.path.relpath(p, SRC)] = open(p).read()


def includes(text):
    return re.findall(r'^\s*#\s*include\s+"([^"]+)"', text, re.M)


def folder(rel):
    return rel.split(os.sep)[0]


# 1. Include direction.
upper = {"integrate", "fix", "deck", "io", "analysis", "edit", "create", "minimize"}
rules = {
    "integrate": lambda inc: not inc.startswith(("deck/", "io/", "fix/", "analysis/", "edit/", "create/")),
    "io": lambda inc: not inc.startswith("analysis/") or inc == "analysis/observer.h",
}
for low in ("system", "parallel", "neighbor", "potential", "core"):
    rules[low] = lambda inc: folder(inc) not in upper
for rule_folder, ok in rules.items():
    bad = [(f, inc) for f, t in files.items() if folder(f) == rule_folder for inc in includes(t) if not ok(inc)]
    check(not bad, f"{rule_folder}/ includes only what it may" + (f": {bad}" if bad else ""))

# 2. MPI only in parallel.c.
calls = [(f, m) for f, t in files.items() if f != os.path.join("parallel", "parallel.c")
         for m in re.findall(r"\bMPI_[A-Z][a-z_]+\s*\(", t)]
check(not calls, "only parallel/parallel.c calls MPI" + (f": {calls}" if calls else ""))
mpih = sorted(f for f, t in files.items() if re.search(r"#\s*include\s*<mpi\.h>", t))
allowed = sorted([os.path.join("parallel", "parallel.c"), os.path.join("io", "checkpoint.c"), os.path.join("io", "h5md.c")])
check(mpih == allowed, f"mpi.h is included by {mpih} (allowed: parallel.c and the HDF5 glue)")

# 3. One command registry.
tables = sorted(f for f, t in files.items() if re.search(r"\bdeck_command\s+\w+\s*\[\s*\]\s*=", t))
check(tables == [os.path.join("deck", "registry.c")], f"command tables defined in {tables}")
reg = files[os.path.join("deck", "registry.c")]
names = re.findall(r"^\s*X\((\w+),\s*CMD_(?:SETTING|ACTION|CREATE)\)", reg, re.M)
dups = sorted({n for n in names if names.count(n) > 1})
check(len(names) > 40 and not dups, f"{len(names)} commands registered, duplicates: {dups}")
defined = {}
for f, t in files.items():
    for n in re.findall(r"^void cmd_(\w+)\s*\(\s*deck \*dk\s*\)\s*(?:\{.*)?$", t, re.M):
        defined.setdefault(n, []).append(f)
twice = {n: fs for n, fs in defined.items() if len(fs) > 1}
check(not twice, f"each command defined once{': ' + str(twice) if twice else ''}")
check(set(defined) == set(names), "registered = defined: missing definitions "
      f"{sorted(set(names) - set(defined))}, unregistered {sorted(set(defined) - set(names))}")

# 4. File headers.
bare = sorted(f for f, t in files.items() if f.endswith((".c", ".cpp")) and not t.lstrip().startswith("/*"))
check(not bare, f"every .c/.cpp opens with its header comment{': ' + str(bare) if bare else ''}")
check.finish()
