#!/usr/bin/python3
"""Malformed decks, potential files and data files each give a clear error
naming the file and line and what was expected, exit with status 2 (input
error; 3 for a run that blows up, docs/errors.md), and never crash or hang -- also under mpirun, where
every rank must leave. Each case asserts on the message text."""
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import mgmdtest as mt

POT = "/usr/share/lammps/potentials"
HEAD = "units metal\ncreate_alloy Cu64Zr36 lattice fcc 4.065 A cells 3 3 3 seed 1\n"
GOOD_POT = "potential eam/fs CuZr_mm.eam.fs Cu Zr\n"


def lines_of(path, n=None):
    with open(path) as f:
        text = f.read().split("\n")
    return "\n".join(text[:n] if n else text)


cuzr = lines_of(os.path.join(POT, "CuZr_mm.eam.fs"))
cuni = lines_of(os.path.join(POT, "CuNi.eam.alloy"))
cu_u3 = lines_of(os.path.join(POT, "Cu_u3.eam"))
liquid = lines_of(os.path.join(mt.DATA, "cuzr-liquid.data"))


def with_lines(text, changes):
    """text with whole lines replaced: {1-based line number: function of the old line}."""
    lines = text.split("\n")
    for n, fn in changes.items():
        lines[n - 1] = fn(lines[n - 1])
    return "\n".join(lines)


def new_id(i):
    """A data line with its first word (the atom id) replaced by i."""
    return lambda line: " ".join([str(i)] + line.split()[1:])


def new_type(t):
    """An Atoms line with its second word (the type) replaced by t."""
    return lambda line: " ".join(line.split()[:1] + [str(t)] + line.split()[2:])


def big_data(n=70000):
    """n atoms on a simple cubic grid (2.5 A), one type, with velocities: more
    than one block of 65536 lines per section, so an error can sit in the
    second block. Atom k is on line 15 + k, its velocity on line n + 18 + k."""
    side = 42
    assert side ** 3 >= n
    out = ["big test file", "", f"{n} atoms", "1 atom types", ""]
    out += [f"0 {2.5 * side} {d}lo {d}hi" for d in "xyz"]
    out += ["", "Masses", "", "1 63.546", "", "Atoms # atomic", ""]
    out += ["%d 1 %g %g %g" % (j + 1, 1.25 + 2.5 * (j % side), 1.25 + 2.5 * (j // side % side), 1.25 + 2.5 * (j // side ** 2))
            for j in range(n)]
    out += ["", "Velocities", ""] + ["%d 0.5 -0.25 0.125" % (j + 1) for j in range(n)]
    return "\n".join(out) + "\n"


GRIPS = HEAD + GOOD_POT + "region rt block INF INF INF INF 9 INF units box\nregion rb block INF INF INF INF INF 3 units box\ngroup gt region rt\ngroup gb region rb\n"

# (name, deck, {extra file: content}, regex the error must match)
CASES = [
    ("unknown command", HEAD + "frobnicate 3\n", {}, r"in\.deck:3: unknown command 'frobnicate'"),
    ("missing value", "units metal\ntimestep\n", {}, r"in\.deck:2: timestep: missing time step"),
    ("bad unit", "units metal\ntimestep 1 furlong\n", {}, r"in\.deck:2: timestep: unknown time unit 'furlong'.*fs, ps, ns"),
    ("unit of another quantity", "timestep 2 K\n", {}, r"in\.deck:1: timestep: time step is a time, but 'K' is a unit of temperature"),
    ("bad integer", HEAD + GOOD_POT + "run ten\n", {}, r"in\.deck:4: run: number of steps must be an integer, got 'ten'"),
    ("negative steps", HEAD + GOOD_POT + "run -5\n", {}, r"in\.deck:4: run: number of steps must be between 0 and"),
    ("unknown element in composition", "create_alloy Cu64Xx36 lattice fcc 4 A cells 2 2 2 seed 1\n", {},
     r"in\.deck:1: create_alloy: composition 'Cu64Xx36': 'Xx' is not a chemical element"),
    ("unknown keyword", HEAD + "neighbor skin 1.0 A evry 2\n", {}, r"in\.deck:3: neighbor: unknown keyword 'evry'"),
    ("neighbor newton not yes or no", HEAD + "neighbor newton maybe\n", {},
     r"in\.deck:3: neighbor: newton must be yes or no, got 'maybe'"),
    ("undefined variable", "units metal\nvelocity create ${T} K seed 1\n", {}, r"in\.deck:2: variable 'T' is not defined"),
    ("run without potential", HEAD + "run 10\n", {}, r"in\.deck:3: run: no potential chosen"),
    ("units other than metal", "units real\n", {}, r"in\.deck:1: units: mgmd uses LAMMPS metal units only"),
    ("bad boundary", "boundary p q p\n", {}, r"in\.deck:1: boundary: 'q' for y is not p"),
    ("missing seed", "create_alloy Cu64Zr36 lattice fcc 4 A cells 2 2 2\n", {}, r"in\.deck:1: create_alloy: missing 'seed N'"),
    ("potential: wrong number of elements", HEAD + "potential eam/fs CuZr_mm.eam.fs Cu\n", {},
     r"in\.deck:3: potential eam/fs: expected a file and one element per type for the 2 atom types, got 2 words"),
    ("potential: element not in file", HEAD + "potential eam/fs CuZr_mm.eam.fs Cu Ni\n", {},
     r"in\.deck:3: potential: .*CuZr_mm\.eam\.fs.*'Ni'.*not in the file.*Cu Zr"),
    ("potential: missing file", HEAD + "potential eam/fs nothere.eam.fs Cu Zr\n", {}, r"in\.deck:3: potential: .*nothere\.eam\.fs"),
    ("potential: truncated fs file", HEAD + "potential eam/fs trunc.eam.fs Cu Zr\n", {"trunc.eam.fs": "\n".join(cuzr.split("\n")[:2000])},
     r"in\.deck:3: potential: trunc\.eam\.fs:\d+: expected .*values"),
    ("potential: wrong element count", HEAD + "potential eam/alloy count.eam.alloy Cu Zr\n",
     {"count.eam.alloy": cuni.replace("    2  Ni  Cu", "    3  Ni  Cu", 1)}, r"in\.deck:3: potential: count\.eam\.alloy:4: .*3"),
    ("potential: non-numeric token", "units metal\ncreate_lattice fcc 3.615 A cells 2 2 2 types Cu\npotential eam bad.eam\n",
     {"bad.eam": cu_u3.replace("-3.1561636903424350e-01", "-3.15616x6903424350e-01", 1)}, r"in\.deck:3: potential: bad\.eam:4: .*'-3\.15616x6903424350e-01'"),
    ("data: missing file", "read_data none.data\n", {}, r"in\.deck:1: read_data: cannot open none\.data"),
    ("data: truncated Atoms", "read_data t.data\n", {"t.data": "\n".join(liquid.split("\n")[:100])},
     r"t\.data:\d+: file ends after \d+ of 500 lines of Atoms"),
    ("data: type out of range", "read_data t.data\n", {"t.data": liquid.replace("\n1 1 0.5188", "\n1 7 0.5188", 1)},
     r"t\.data:17: atom type 7 is outside 1 \.\. 2"),
    ("data: bad header", "read_data t.data\n", {"t.data": "title\n\n500 atoms\n2 atom types\n0 10 xlo xhi\n"},
     r"t\.data: header must give 'ylo yhi'"),
    ("data: duplicate atom id", "read_data t.data\n", {"t.data": liquid.replace("\n2 2 11.15", "\n1 2 11.15", 1)},
     r"t\.data:18: atom id 1 appears twice \(first at line 17\)"),
    ("data: velocity of unknown atom", "read_data t.data\n", {"t.data": liquid.replace("\n1 4.4955", "\n999 4.4955", 1)},
     r"t\.data:\d+: velocity for atom id 999, which the Atoms section does not have"),
    # Ids are checked across ranks (each id by the rank its hash names); the
    # earliest offending line in the file is the one reported. Atom k of the
    # liquid is on line 16 + k, its velocity on line 519 + k.
    ("data: duplicate atom id in the far corner", "read_data t.data\n",  # a different sub-domain on any grid
     {"t.data": with_lines(liquid, {416: lambda l: "1 2 19.5 1.0 1.0 0 0 0"})},
     r"t\.data:416: atom id 1 appears twice \(first at line 17\)"),
    ("data: two duplicate ids, the earlier second line wins", "read_data t.data\n",
     {"t.data": with_lines(liquid, {316: new_id(7), 216: new_id(150)})},
     r"t\.data:216: atom id 150 appears twice \(first at line 166\)"),
    ("data: an id three times", "read_data t.data\n", {"t.data": with_lines(liquid, {300: new_id(5), 100: new_id(5)})},
     r"t\.data:100: atom id 5 appears twice \(first at line 21\)"),
    ("data: duplicate id before a bad line", "read_data t.data\n",
     {"t.data": with_lines(liquid, {18: new_id(1), 100: new_type(9)})},
     r"t\.data:18: atom id 1 appears twice \(first at line 17\)"),
    ("data: bad line before a duplicate id", "read_data t.data\n",
     {"t.data": with_lines(liquid, {18: new_type(9), 100: new_id(1)})},
     r"t\.data:18: atom type 9 is outside 1 \.\. 2"),
    ("data: velocity given twice", "read_data t.data\n", {"t.data": with_lines(liquid, {521: new_id(1)})},
     r"t\.data:521: velocity of atom id 1 given twice"),
    ("data: velocity given twice before one of an unknown atom", "read_data t.data\n",
     {"t.data": with_lines(liquid, {600: new_id(3), 700: new_id(999)})}, r"t\.data:600: velocity of atom id 3 given twice"),
    ("data: velocity of an unknown atom before a bad velocity line", "read_data t.data\n",
     {"t.data": with_lines(liquid, {530: new_id(999), 900: lambda l: "12 fast 0 0"})},
     r"t\.data:530: velocity for atom id 999, which the Atoms section does not have"),
    ("data: duplicate atom id before an unknown velocity", "read_data t.data\n",
     {"t.data": with_lines(liquid, {416: new_id(1), 520: new_id(999)})},
     r"t\.data:416: atom id 1 appears twice \(first at line 17\)"),
    ("data: duplicate id in the second block", "read_data t.data\n",
     {"t.data": with_lines(big_data(), {66015: new_id(3), 69015: new_type(9)})},
     r"t\.data:66015: atom id 3 appears twice \(first at line 18\)"),
    ("data: unknown velocity in the second block", "read_data t.data\n",
     {"t.data": with_lines(big_data(), {70018 + 66000: new_id(99999999), 70018 + 67000: new_id(5)})},
     r"t\.data:136018: velocity for atom id 99999999, which the Atoms section does not have"),
    ("data: more atoms than declared", "read_data t.data\n", {"t.data": liquid.replace("\n500 atoms", "\n499 atoms", 1)},
     r"t\.data:\d+: more lines than the header declares \(499 atoms"),
    ("velocity before any mass", "read_data t.data\nvelocity create 300 K seed 1\n",
     {"t.data": liquid.replace("Masses\n\n1 63.546\n2 91.224\n\n", "")},
     r"in\.deck:2: velocity create: type 1 has no mass yet"),
    ("shrink-wrapped triclinic", "boundary p p s\nread_data %s/cuzr-triclinic.data\n" % mt.DATA, {},
     r"boundary 's' \(shrink-wrapped\) needs an orthogonal box"),
    ("processors that do not fit", "processors 2 2 2\n" + HEAD, {}, r"in\.deck:1: processors: the grid does not fit the 1 MPI ranks"),
    ("misspelt element after types", "create_lattice fcc 3.6 A cells 2 2 2 types Cx\n", {},
     r"in\.deck:1: create_lattice: 'Cx' after 'types' is not a chemical element"),
    ("negative mindist", "create_alloy Cu64Zr36 atoms 100 density 0.06 A^-3 seed 1 mindist -2 A\n", {},
     r"in\.deck:1: create_alloy: mindist must be >= 0 A"),
    # Regions, groups, fixes, schedules and edits (issue 10).
    ("region: unknown style", HEAD + "region r cone 0 0 0 1\n", {}, r"in\.deck:3: region: unknown style 'cone'"),
    ("region: zero radius", HEAD + "region r sphere 0 0 0 0\n", {}, r"in\.deck:3: region r: sphere radius 0 A must be positive"),
    ("region: lo above hi", HEAD + "region r block 5 1 INF INF INF INF\n", {}, r"in\.deck:3: region r: block xlo 5 A is above xhi 1 A"),
    ("region: zero normal", HEAD + "region r plane 0 0 0 0 0 0\n", {}, r"in\.deck:3: region r: plane normal \(0, 0, 0\) is zero"),
    ("region: bad cylinder axis", HEAD + "region r cylinder w 0 0 1 INF INF\n", {}, r"in\.deck:3: region cylinder: axis 'w'"),
    ("region: lattice units", HEAD + "region r sphere 0 0 0 2 units lattice\n", {}, r"in\.deck:3: region: .*box units .*lattice"),
    ("region: union of one", HEAD + "region a sphere 0 0 0 2\nregion r union 1 a\n", {}, r"in\.deck:4: region: number of regions must be between 2 and 16, got 1"),
    ("region: unknown operand", HEAD + "region r intersect 2 a b\n", {}, r"in\.deck:3: region intersect: no region named 'a'"),
    ("region: not a length", HEAD + "region r sphere 0 zero 0 2\n", {}, r"in\.deck:3: region: unknown length unit 'zero' for centre x"),
    ("group: unknown region", HEAD + "group g region nowhere\n", {}, r"in\.deck:3: group: no region named 'nowhere'"),
    ("group: unknown selection", HEAD + "group g molecule 1\n", {}, r"in\.deck:3: group: unknown selection 'molecule'"),
    ("group: type out of range", HEAD + "group g type 3\n", {}, r"in\.deck:3: group: type must be between 1 and 2, got 3"),
    ("group: empty id range", HEAD + "group g id 9:3\n", {}, r"in\.deck:3: group: the id range 9:3 is empty"),
    ("group: unknown element", HEAD + "group g element Ni\n", {}, r"in\.deck:3: group: no type has element 'Ni' \(types: 1=Cu 2=Zr\)"),
    ("group: redefine all", HEAD + "group all type 1\n", {}, r"in\.deck:3: group: group 'all' holds every atom"),
    ("group: add to a dynamic group", HEAD + "region r sphere 0 0 0 3\ngroup g dynamic region r\ngroup g type 1\n", {},
     r"in\.deck:5: group: group 'g' exists and is dynamic"),
    ("group: delete a group in use", HEAD + "group g type 1\nfreeze f group g\ngroup g delete\n", {},
     r"in\.deck:5: group: cannot delete 'g': fix 'f' acts on it"),
    ("group: too many", HEAD + "".join("group g%d type 1\n" % k for k in range(64)), {}, r"at most 64 groups"),
    ("group: before the system", "group g type 1\n", {}, r"in\.deck:1: group: no system yet"),
    ("fix on an unknown group", HEAD + "freeze f group nowhere\n", {}, r"in\.deck:3: freeze: no group named 'nowhere'"),
    ("setforce: bad component", HEAD + "setforce f zero 0 0\n", {}, r"in\.deck:3: setforce: force x \(or NULL\) must be a number, got 'zero'"),
    ("move: no period", HEAD + "move m rotate 0 0 0 0 0 1\n", {}, r"in\.deck:3: move rotate: needs 'period P'"),
    ("move: zero axis", HEAD + "move m rotate 0 0 0 0 0 0 period 1 ps\n", {}, r"in\.deck:3: move rotate: the axis direction is zero"),
    ("move: dynamic group", HEAD + "region r sphere 0 0 0 3\ngroup g dynamic region r\nmove m linear 1 0 0 group g\n", {},
     r"in\.deck:5: move: group 'g' is dynamic"),
    ("fix name taken by another kind", HEAD + "freeze f\nsetforce f 0 0 0\n", {}, r"in\.deck:4: setforce: a fix named 'f' exists already and is a freeze"),
    ("unfix: no such fix", HEAD + "unfix nothing\n", {}, r"in\.deck:3: unfix: no fix named 'nothing'"),
    ("unfix: the thermostat", HEAD + GOOD_POT + "ensemble nvt temp 300 K tdamp 0.1 ps\nunfix thermostat\n", {},
     r"in\.deck:5: unfix: 'thermostat' is made by the ensemble command; use 'ensemble nve'"),
    ("schedule: unknown segment", "schedule s jump 300 K\n", {}, r"in\.deck:1: schedule: unknown segment 'jump'"),
    ("schedule: endless then more", "schedule s constant 300 K then hold for 1 ps\n", {}, r"in\.deck:1: schedule: a segment without an end"),
    ("schedule: mixed quantities", "schedule s ramp 300 K to 1 GPa over 1 ps\n", {}, r"in\.deck:1: schedule: 'GPa' is a unit of pressure, but the schedule holds a temperature"),
    ("schedule: of the wrong quantity", HEAD + GOOD_POT + "schedule p constant 1 GPa\nensemble nvt temp schedule p tdamp 0.1 ps\n", {},
     r"in\.deck:5: ensemble: temp is a temperature, but schedule 'p' holds a pressure"),
    ("ensemble npt on a group", HEAD + GOOD_POT + "group g type 1\nensemble npt temp 300 K tdamp 0.1 ps press 0 bar pdamp 1 ps group g\n", {},
     r"in\.deck:5: ensemble npt: the barostat acts on the whole box"),
    ("delete_atoms: compress yes", HEAD + "group g type 1\ndelete_atoms group g compress yes\n", {}, r"in\.deck:4: delete_atoms: mgmd keeps atom ids"),
    ("delete_atoms: everything", HEAD + "region r block INF INF INF INF INF INF\ndelete_atoms region r\n", {}, r"in\.deck:4: delete_atoms: this would delete all 108 atoms"),
    ("delete_atoms: unknown style", HEAD + "delete_atoms random 0.5\n", {}, r"in\.deck:3: delete_atoms: expected 'region R', 'group G' or 'overlap D"),
    ("displace_atoms: unknown style", HEAD + "displace_atoms all shake 1 1 1\n", {}, r"in\.deck:3: displace_atoms: unknown style 'shake'"),
    ("displace_atoms: lattice units", HEAD + "displace_atoms all move 1 0 0 units lattice\n", {}, r"in\.deck:3: displace_atoms: mgmd displaces in box units"),
    ("displace_atoms: through a fixed wall", "boundary p p f\n" + HEAD + "displace_atoms all move 0 0 100\n", {},
     r"left the box through a fixed \('f'\) boundary", 3),
    ("delete_atoms with an h5md dump open", HEAD + "dump h every 10 file t.h5 format h5md\ngroup g type 1\ndelete_atoms group g\n", {},
     r"in\.deck:5: delete_atoms: the h5md dump 'h' holds a fixed set of atoms"),
    ("replicate: zero copies", HEAD + "replicate 2 0 1\n", {}, r"in\.deck:3: replicate: number of copies along a dimension must be between 1 and"),
    ("replicate: too many atoms", HEAD + "replicate 1000 1000 1000\n", {}, r"in\.deck:3: replicate: 1\.08e\+11 atoms on 1 rank \(use fewer copies\): about .* GB per rank needed"),
    ("change_box: tilt of an orthogonal box", HEAD + "change_box all xy final 1\n", {}, r"in\.deck:3: change_box: a tilt needs a triclinic box"),
    ("change_box: inverted bounds", HEAD + "change_box all x final 5 1\n", {}, r"in\.deck:3: change_box: the box would have no extent along x"),
    ("change_box: volume first", HEAD + "change_box all y volume\n", {}, r"in\.deck:3: change_box: 'volume' must follow a size change"),
    ("change_box: too skewed", HEAD + "change_box all triclinic xy final 9 remap\n", {}, r"in\.deck:3: change_box: box tilts .* exceed half"),
    ("reset_timestep: while a schedule counts steps", HEAD + GOOD_POT +
     "schedule s ramp 300 K to 400 K over 1 ps\nensemble nvt temp schedule s tdamp 0.1 ps\nrun 1\nreset_timestep 0\n", {},
     r"in\.deck:7: reset_timestep: fix 'thermostat' follows a schedule that has started"),
    # The deck language (issue 11): formulas name the column, blocks their line.
    ("formula: unbalanced parenthesis", "variable a equal (2+3\n", {}, r"in\.deck:1: variable a equal \(2\+3: column 5: missing '\)' for the '\(' at column 1"),
    ("formula: stray parenthesis", "variable a equal 2+3)\n", {}, r"in\.deck:1: variable a equal 2\+3\): column 4: '\)' without a '\(' before it"),
    ("formula: operator at the end", "variable a equal 2*\n", {}, r"column 3: the formula ends where a number, a name or '\(' was expected"),
    ("formula: unknown function", 'print "$(foo(2))"\n', {}, r"in\.deck:1: in \$\(foo\(2\)\): column 1: unknown function 'foo' \(sqrt exp"),
    ("formula: division by zero", 'print "$(1/(2-2))"\n', {}, r"in\.deck:1: in \$\(1/\(2-2\)\): column 2: division by zero"),
    ("formula: unknown variable", 'print "$(2*v_nothere)"\n', {}, r"column 3: variable 'nothere' is not defined"),
    ("formula: recursive definition", 'variable a equal v_b+1\nvariable b equal 2*v_a\nprint "$(v_a)"\n', {},
     r"in\.deck:3: in \$\(v_a\): column 1: variable 'a' is defined through itself \(a -> b -> a\)"),
    ("formula: unknown name", 'print "$(tmp)"\n', {}, r"column 1: unknown name 'tmp' \(a thermo keyword such as temp"),
    ("formula: sqrt of a negative number", 'print "$(sqrt(1-2))"\n', {}, r"column 1: sqrt of a negative number \(-1\)"),
    ("formula: wrong argument count", 'print "$(atan2(1))"\n', {}, r"atan2\(\) takes 2 arguments: expected ','"),
    ("formula: thermo keyword before the system", 'print "$(pe)"\n', {}, r"column 1: 'pe' needs the system"),
    ("formula: energy without a potential", HEAD + 'print "$(pe)"\n', {}, r"column 1: 'pe' needs a potential"),
    ("formula: group function of no group", HEAD + 'print "$(count(top))"\n', {}, r"column 1: count\(\): no group named 'top'"),
    ("formula: unterminated $(", 'print "$(1+2"\n', {}, r"in\.deck:1: unterminated '\$\(' \(expected \$\(FORMULA\)\)"),
    ("formula: bad $(:format)", 'print "$(1:%d)"\n', {}, r"the format must be one C conversion of a number"),
    ("formula: two units in a row", 'print "$(2 GPa K)"\n', {}, r"column 7: unexpected 'K' \(expected an operator\)"),
    ("formula: condition of an if", "if 1/0 then\nend\n", {}, r"in\.deck:1: if: in the condition '1/0': column 2: division by zero"),
    ("block: for without end", "for T in 1 2\nprint ${T}\n", {}, r"in\.deck:1: this block has no 'end'"),
    ("block: end without opener", "print a\nend\n", {}, r"in\.deck:2: 'end' without a 'for' or 'if \.\.\. then' before it"),
    ("block: else inside a for", "for T in 1 2\nelse\nend\n", {}, r"in\.deck:2: 'else' inside a 'for' block"),
    ("block: elif without then", "if 1 then\nelif 2\nend\n", {}, r"in\.deck:2: elif: the block form ends the line with 'then'"),
    ("for: step away from the end", "for x from 1 to 3 step -1\nend\n", {}, r"in\.deck:1: for x from 1 to 3 step -1: the step goes away from the end"),
    ("format precision beyond 99", "variable x equal 1/3\nvariable f format x %.000000000000000001788480692f\n", {},
     r"in\.deck:2: variable f format: .* is not one C conversion of a number .*width and precision up to 99"),
    ("block word from a substitution", "variable v string for\n${v} i in 1 2\nprint never\n", {},
     r"in\.deck:2: for: the words that shape blocks .* must be written in the deck, not made by a substitution"),
    ("for: too many values", "for x from 1 to 1000\nend\n", {}, r"in\.deck:1: for: at most 256 values \(this gives 1000\)"),
    ("if: too many quoted commands", "if 1 then " + " ".join(['"print a"'] * 33) + "\n", {},
     r"in\.deck:1: if: at most 32 quoted commands in a branch"),
    ("include: missing file", "include parts/none.inc\n", {}, r"in\.deck:1: include: cannot open \./parts/none\.inc"),
    ("include: itself", "include self.inc\n", {"self.inc": "include self.inc\n"}, r"self\.inc:1: include: nested more than 16 deep"),
    ("include: error inside names the file", "include a.inc\n", {"a.inc": "units metal\ntimestep zero\n"},
     r"\./a\.inc:2: timestep: time step must be a number, got 'zero'"),
    ("next: not an index variable", "variable a equal 1\nnext a\n", {}, r"in\.deck:2: next: variable 'a' is not an index or loop variable"),
    ("variable: unknown style", "variable a equl 2*3\n", {}, r"in\.deck:1: variable: 'equl' is not a style \(=, string, equal, index, loop, format\)"),
    ("thermo: unknown column", HEAD + "thermo every 10 columns step tmp\n", {}, r"in\.deck:3: thermo: unknown column 'tmp' \(step time temp"),
    ("thermo: column of a string variable", HEAD + "variable s string x\nthermo every 10 columns v_s\n", {},
     r"in\.deck:4: thermo: column v_s: 's' is not an equal-style variable"),
    ("thermo: wrong unit for a column", HEAD + "thermo every 10 columns temp[GPa]\n", {},
     r"in\.deck:3: thermo: column temp: 'GPa' is not a unit of temperature"),
    ("thermo: column of no group", HEAD + "thermo every 10 columns temp_top\n", {}, r"in\.deck:3: thermo: column temp_top: no group named 'top'"),
    ("rate without a unit", HEAD + GOOD_POT + "ensemble nvt temp 1500 K tdamp 0.1 ps\nquench from 1500 K to 300 K rate 1e13\n", {},
     r"in\.deck:5: quench: the cooling rate needs a unit: 1e\+13 K/ps or 1e\+13 K/s"),
    ("schedule rate without a unit", "schedule q ramp 1500 K to 300 K rate 2\n", {}, r"in\.deck:1: schedule: the rate needs its unit"),
    ("LAMMPS label", "label loop\n", {}, r"in\.deck:1: unknown command 'label' \(a LAMMPS command\): mgmd's decks loop with 'for NAME in"),
    ("LAMMPS jump", "jump SELF loop\n", {}, r"in\.deck:1: unknown command 'jump' \(a LAMMPS command\).*'include FILE'"),
    ("LAMMPS nvt argument order", HEAD + GOOD_POT + "ensemble nvt temp 300 300 0.1\n", {},
     r"in\.deck:4: ensemble: mgmd names the damping time: 'temp 300 K 300 K tdamp 0\.1 ps'"),
    # LAMMPS habits name the mgmd equivalent.
    ("LAMMPS fix nvt", HEAD + "fix 1 all nvt temp 300 300 0.1\n", {}, r"in\.deck:3: unknown command 'fix': for LAMMPS' fix nvt use 'ensemble nvt"),
    ("LAMMPS fix deform", HEAD + "fix 1 all deform 1 xy erate 0.001 remap x\n", {},
     r"in\.deck:3: unknown command 'fix': for LAMMPS' fix deform use 'deform NAME COMPONENT .*per ps: mgmd asks for the unit"),
    ("LAMMPS balance", HEAD + "balance 1.1 shift xyz 10 1.1\n", {},
     r"in\.deck:3: balance: mgmd writes 'balance \[threshold 1\.1\] \[dims xyz\] \[by atoms\|time\]"),
    ("LAMMPS fix balance", HEAD + "fix lb all balance 1000 1.1 shift xyz 10 1.1\n", {},
     r"in\.deck:3: unknown command 'fix': for LAMMPS' fix balance use 'rebalance NAME every N"),
    ("balance: bad weight", HEAD + "balance by mass\n", {}, r"in\.deck:3: balance: by must be atoms or time, got 'mass'"),
    ("balance: bad dims", HEAD + "balance dims xw\n", {}, r"in\.deck:3: balance: dims must be a word of distinct x, y, z"),
    ("balance: threshold below 1", HEAD + "balance threshold 0.9\n", {}, r"in\.deck:3: .*imbalance threshold"),
    ("balance: no system", "units metal\nbalance\n", {}, r"in\.deck:2: balance: no system yet"),
    ("rebalance without every", HEAD + "rebalance lb by atoms\n", {}, r"in\.deck:3: rebalance: missing 'every N'"),
    ("rebalance: grid is balance's", HEAD + "rebalance lb every 100 grid auto\n", {},
     r"in\.deck:3: rebalance: unknown keyword 'grid' \(expected every by dims threshold\)"),
    ("LAMMPS fix nvt/sllod", HEAD + "fix 1 all nvt/sllod temp 300 300 0.1\n", {},
     r"in\.deck:3: unknown command 'fix': for LAMMPS' fix nvt/sllod use 'ensemble nvt .*sllod yes' with 'deform .*remap v'"),
    ("LAMMPS fix move", HEAD + "fix 2 all move rotate 0 0 0 0 0 1 100\n", {},
     r"in\.deck:3: unknown command 'fix': for LAMMPS' fix move use 'move NAME linear VX VY VZ group G'.*'torsion NAME top G1 bottom G2"),
    ("LAMMPS fix (other)", HEAD + "fix 1 all spring tether 1 0 0 0 0\n", {}, r"in\.deck:3: unknown command 'fix' \(a LAMMPS command\): .*freeze.*Coming from LAMMPS"),
    ("LAMMPS compute", HEAD + "compute 1 all pe/atom\n", {}, r"in\.deck:3: unknown command 'compute' \(a LAMMPS command\)"),
    ("LAMMPS thermo_style", "thermo_style custom step temp\n", {}, r"in\.deck:1: unknown command 'thermo_style' \(a LAMMPS command\)"),
    ("LAMMPS pair_style", "pair_style eam/fs\n", {}, r"in\.deck:1: .*'potential eam/fs FILE El1 El2"),
    ("LAMMPS thermo N", "thermo 100\n", {}, r"in\.deck:1: thermo: mgmd writes 'thermo every 100'"),
    ("LAMMPS neighbor N bin", "neighbor 2.0 bin\n", {}, r"in\.deck:1: neighbor: mgmd writes 'neighbor skin 2.0 A'"),
    ("LAMMPS velocity all create", HEAD + "velocity all create 300 4928\n", {}, r"in\.deck:3: velocity: in mgmd the group comes last: 'velocity create \.\.\. group all'"),
    ("torsion: no grips", GRIPS + "torsion tw rate 1 deg/ps\n", {}, r"in\.deck:8: torsion: needs 'top GROUP' and 'bottom GROUP'"),
    ("torsion: no style", GRIPS + "torsion tw top gt bottom gb\n", {}, r"in\.deck:8: torsion: needs one of 'rate W' \(deg/ps\), 'schedule S' \(deg\) or 'angle PHI'"),
    ("torsion: one group for both", GRIPS + "torsion tw top gt bottom gt angle 1 deg\n", {}, r"in\.deck:8: torsion: the top and bottom grips are the same group 'gt'"),
    ("torsion: top below bottom", GRIPS + "torsion tw top gb bottom gt angle 1 deg\n", {}, r"in\.deck:8: torsion: the top grip 'gb' .* must lie above the bottom grip 'gt'"),
    ("torsion: rate in K", GRIPS + "torsion tw top gt bottom gb rate 1 K\n", {}, r"in\.deck:8: torsion: twist rate is an angular rate, but 'K' is a unit of temperature"),
    ("torsion: grips through the periodic boundary", GRIPS + "torsion tw top gt bottom gb angle 1 deg\n", {}, r"in\.deck:8: torsion: along z the box is periodic and the gap .* less than the cutoff"),
    ("torsion: a grip group deleted", GRIPS + "change_box all z final -5 20 boundary p p f units box\ntorsion tw top gt bottom gb angle 1 deg\ngroup gb delete\n", {}, r"in\.deck:10: group: cannot delete 'gb': fix 'tw' acts on it"),
    ("torsion: sllod yes with a static twist", GRIPS + "change_box all z final -5 20 boundary p p f units box\n"
     "ensemble nvt temp 300 K tdamp 0.1 ps sllod yes\ntorsion tw top gt bottom gb angle 1 deg\nrun 1\n", {},
     r"ensemble: the thermostat has 'sllod yes' but no fix makes a streaming flow"),
    ("torsion: a twist beside deform remap v", GRIPS + "change_box all z final -5 20 triclinic units box\n"
     "torsion tw top gt bottom gb rate 1 deg/ps\ndeform sh xy erate 1e9 1/s remap v\nrun 1\n", {},
     r"one flow at a time"),
    ("stress_strain torsion: no such fix", GRIPS + "stress_strain s torsion tw file s\n", {}, r"in\.deck:8: stress_strain: no torsion fix named 'tw'"),
    ("profile: missing file", HEAD + GOOD_POT + "profile p radial z bin 1 A\n", {}, r"in\.deck:4: profile: missing 'file PREFIX' \(tables PREFIX\.csv and PREFIX_fits\.csv\)"),
    ("profile: recover as a percentage", HEAD + "profile p radial z bin 1 file p recover 95\n", {},
     r"in\.deck:3: profile: recover \(fraction of the core value\) must be between 0 and 1, got 95"),
    ("profile: flush of no profile", HEAD + "profile p flush\n", {}, r"in\.deck:3: profile: no observer named 'p'"),
    ("d2min: unknown keyword", HEAD + GOOD_POT + "d2min dm cutof 5\n", {}, r"in\.deck:4: d2min: unknown keyword 'cutof' \(expected cutoff every"),
    ("d2min: cutoff in K", HEAD + GOOD_POT + "d2min dm cutoff 5 K\n", {}, r"in\.deck:4: d2min: cutoff is a length, but 'K' is a unit of temperature"),
    ("d2min: reference at a step", HEAD + GOOD_POT + "d2min dm reference step 100\n", {},
     r"in\.deck:4: d2min: reference must be now, stage, window or file PATH, got 'step' \(a given step: 'd2min dm reset' after the run"),
    ("d2min: reference file missing", HEAD + GOOD_POT + "d2min dm reference file nothere.data\n", {},
     r"in\.deck:4: d2min: cannot open the reference file .*nothere\.data: No such file"),
    ("d2min: reference file of other atoms", HEAD + GOOD_POT + "d2min dm reference file r.data\n", {"r.data": liquid},
     r"in\.deck:4: d2min dm: the reference .*r\.data holds \d+ atoms, the system 108: not the same atoms"),
    ("d2min: reset of no observer", HEAD + GOOD_POT + "d2min dm reset\n", {}, r"in\.deck:4: d2min: no observer named 'dm'"),
    ("d2min: atoms deleted since the reference", HEAD + GOOD_POT + "d2min dm\ngroup one id 77\ndelete_atoms group one\nanalyze dm\n", {},
     r"in\.deck:4: d2min dm: the system has 107 atoms, the reference \(step 0\) had 108: .*'d2min dm reset'"),
    ("d2min: moved too far from the reference", HEAD + GOOD_POT + "d2min dm\ngroup one id 77\n"
     "displace_atoms one move 48.78 0 0 units box\nanalyze dm\n", {},  # four box lengths: unwrapped, it moved 48.78 A
     r"in\.deck:4: d2min dm: at step 0, 1 atom's reference neighbours \(within 5 A at step 0\) are more than 45 A away now"),
    ("thermo: negative screen interval", HEAD + GOOD_POT + "thermo every 1 screen -5\n", {},
     r"in\.deck:4: thermo: steps between screen lines must be between 0 and 1000000000, got -5"),
    ("dma: no strain component", HEAD + GOOD_POT + "dma g period 5 ps file g\n", {},
     r"in\.deck:4: dma: give the loaded strain component: 'strain xx\|yy\|zz\|xy\|xz\|yz'"),
    ("dma: period in K", HEAD + GOOD_POT + "dma g strain xy period 5 K file g\n", {},
     r"in\.deck:4: dma: period is a time, but 'K' is a unit of temperature"),
    ("dma: period not whole steps", HEAD + GOOD_POT + "dma g strain xy period 0.1005 ps file g\n", {},
     r"in\.deck:4: dma: the period \(0\.1005 ps = 100\.5 steps of 0\.001 ps\) must be a whole number of 1-step samples"),
    ("dma: no file", HEAD + GOOD_POT + "dma g strain xy period 5 ps\n", {},
     r"in\.deck:4: dma: give 'file PREFIX' \(the spectrum table PREFIX\.csv\)"),
    ("dma: bad component", HEAD + GOOD_POT + "dma g strain xyz period 5 ps file g\n", {},
     r"in\.deck:4: dma: strain component must be xx, yy, zz, xy, xz or yz, got 'xyz'"),
    ("d2min stz: connect beyond the cutoff", HEAD + GOOD_POT + "d2min dm cutoff 4 A stz above 1 connect 4.5 A\n", {},
     r"in\.deck:4: d2min: connect \(4\.5 A\) may not exceed the cutoff \(4 A\)"),
    ("d2min stz: top fraction as a percentage", HEAD + GOOD_POT + "d2min dm stz top 5\n", {},
     r"in\.deck:4: d2min: stz top takes a fraction of the atoms above 0 and at most 0\.5 \(0\.05 for the top 5 %\), got 5"),
    ("d2min stz: unknown threshold", HEAD + GOOD_POT + "d2min dm stz over 1\n", {},
     r"in\.deck:4: d2min: stz threshold must be above, top or background, got 'over'"),
    ("overlapping atoms", "read_data t.data\n" + GOOD_POT + "run 0\n", {"t.data": liquid.replace(
        "\n2 2 11.152545352451698 17.233198084661154 16.003454690226015", "\n2 2 0.8188173221124447 13.352434860028156 18.363585880648813", 1)},
     r"atoms (1 and 2|2 and 1) are 0\.3 A apart at step 0, closer than the potential allows \(0\.5\d* A", 3),
    ("blown up (20 fs steps from 5000 K)", "timestep 20 fs\nread_data %s/cuzr-liquid.data\n%svelocity create 5000 K seed 3\nrun 2000\n" % (mt.DATA, GOOD_POT), {},
     r"moved .* more than the skin .*interactions may have been missed", 3),
]

MULTI = ("unknown command", "potential: truncated fs file", "data: truncated Atoms")  # also on 3 ranks
# The id checks are distributed: each of their cases, and the orders of errors, on 3 ranks too.
MULTI += tuple(c[0] for c in CASES if c[0].startswith("data:") and re.search("appears twice|given twice|does not have", c[3]))
MULTI += ("data: bad line before a duplicate id",)

# Cases whose bad input is in the environment, not the deck.
CASES.append(("MGMD_KERNEL names pair loops that do not exist", HEAD + GOOD_POT, {},
              r"MGMD_KERNEL=avx9: not available on this CPU or in this build \(scalar"))
ENV = {"MGMD_KERNEL names pair loops that do not exist": {"MGMD_KERNEL": "avx9"}}


def run_case(name, deck, files, pattern, want, np_):
    """One case in its own folder: (ok, the lines to print)."""
    with tempfile.TemporaryDirectory() as wd:
        for fn, content in files.items():
            with open(os.path.join(wd, fn), "w") as f:
                f.write(content)
        try:
            p = mt.run_mgmd(deck, wd, np_=np_, timeout=120, check=False, env=ENV.get(name))
        except subprocess.TimeoutExpired:
            return False, [f"FAIL {name}: hung (np={np_})"]
    msg = p.stderr
    ok = (p.returncode == want if np_ is None else p.returncode != 0) and "ERROR" in msg and re.search(pattern, msg)
    ok = ok and "Segmentation" not in msg and "AddressSanitizer" not in msg and "runtime error" not in msg
    first = next((l for l in msg.split("\n") if "ERROR" in l), msg.strip()[:200])
    out = [f"{'ok  ' if ok else 'FAIL'} {name}{'' if np_ is None else ' (3 ranks)'}: exit {p.returncode}: {first}"]
    if not ok:
        out.append("     expected /%s/\n     stderr: %s" % (pattern, msg[-800:]))
    return bool(ok), out


# Most of a case's time is MPI's start-up waiting, not CPU (0.5 s of wall
# time for 0.07 s of CPU): the cases run several at once.
runs = [(name, deck, files, pattern, code[0] if code else 2, np_)
        for name, deck, files, pattern, *code in CASES for np_ in ([None, 3] if name in MULTI else [None])]
results = mt.parallel_map(lambda r: run_case(*r), runs, threads=6)
failed = 0
for ok, lines in results:
    print("\n".join(lines))
    failed += not ok
total = len(runs)
print(f"{total - failed} passed, {failed} failed")
sys.exit(1 if failed else 0)
