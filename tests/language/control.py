#!/usr/bin/python3
"""The deck language's control flow (src/deck/deck.c, variables.c), on decks
that print what they do; each expected output is written out here from the
rule in docs/deck-reference.md ("The deck language").

- for NAME in W1 W2 ...; a unit after numbers converts each to metal
  (`for t in 1 2 ns` gives 1000 2000); for NAME from A to B [step C];
  nested loops; the loop variable after the loop keeps its last value.
- if/elif/else/end blocks with formulas, nested in loops; LAMMPS' one-line
  `if COND then "cmd" "cmd" elif COND "cmd" else "cmd"`.
- variable index/loop with next (past the last value the variable is
  deleted, as LAMMPS), loop pad, string/equal/format kinds.
- include FILE relative to the including file, run from another folder;
  nested includes; an include inside a loop.
- print to screen, `file` (replace) and `append`, `screen no`.
- the same deck on 3 ranks prints the same lines once."""
import os
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import mgmdtest as mt  # noqa: E402

check = mt.Checks()

DECK = """# loops
for T in 300 400 500
  print "a ${T}"
end
for t in 1 2 ns
  print "b ${t}"
end
for x from 0 to 1 step 0.25
  print "c ${x}"
end
for k from 3 to 1 step -1
  for j in p q
    print "d ${k}${j}"
  end
end
print "e ${k} ${j}"
# blocks
for n from 1 to 4
  if ${n} == 1 then
    print "f one"
  elif ${n} < 3 then
    print "f small ${n}"
  elif $(v_n*2) == 6 then
    print "f three"
  else
    print "f big ${n}"
  end
end
variable m equal 2
if v_m > 1 && v_m < 3 then
  if v_m == 2 then
    print "g two"
  end
else
  print "g never"
end
if 0 then
  print "h never"
end
# LAMMPS' one-line if
if "${m} > 1" then "print 'i yes'" "print 'i yes again'" else "print 'i no'"
if "${m} > 5" then "print 'j big'" elif "${m} > 1" "print 'j mid'" else "print 'j small'"
if "${m} > 5" then "print 'k big'"
# index, loop, next
variable w index alpha beta gamma
print "l ${w}"
next w
print "l ${w}"
variable i loop 8 10 pad
print "m ${i}"
next i
next i
print "m $i"
variable w index ignored
print "n ${w}"
next w
next w
variable w string back
print "o ${w}"
# include, relative to this file's folder
include parts/first.inc
for r in 1 2
  include parts/per_pass.inc
end
# print destinations
print "p to file" file out.txt
print "q replaces" file out.txt
print "r appended" append out.txt
print "s quiet" append out.txt screen no
"""
FILES = {
    "parts/first.inc": "print \"t first\"\ninclude deeper/second.inc\n",
    "parts/deeper/second.inc": "print \"u second\"\n",
    "parts/per_pass.inc": "print \"v pass ${r}\"\n",
}
WANT = """a 300
a 400
a 500
b 1000
b 2000
c 0
c 0.25
c 0.5
c 0.75
c 1
d 3p
d 3q
d 2p
d 2q
d 1p
d 1q
e 1 q
f one
f small 2
f three
f big 4
g two
i yes
i yes again
j mid
l alpha
l beta
m 08
m 10
n beta
o back
t first
u second
v pass 1
v pass 2
p to file
q replaces
r appended""".split("\n")

with tempfile.TemporaryDirectory() as top:
    deckdir = os.path.join(top, "study")
    for name, text in FILES.items():
        path = os.path.join(deckdir, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(text)
    os.makedirs(deckdir, exist_ok=True)
    with open(os.path.join(deckdir, "sweep.deck"), "w") as f:
        f.write(DECK)
    elsewhere = os.path.join(top, "run")
    os.makedirs(elsewhere)
    for np_ in (None, 3):
        p = mt.subprocess.run(mt.mpi_prefix(np_) + [mt.mgmd_binary(), os.path.join(deckdir, "sweep.deck")],
                              cwd=elsewhere, capture_output=True, text=True, timeout=300)
        got = [l for l in p.stdout.splitlines() if len(l) > 1 and l[1] == " " and l[0] in "abcdefghijklmnopqrstuvw"]
        tag = f"{np_ or 1} rank{'s' if np_ else ''}"
        check(p.returncode == 0, f"{tag}: the deck runs from another folder (exit {p.returncode}) {p.stderr[-300:]}")
        diff = [(k, g, w) for k, (g, w) in enumerate(zip(got, WANT)) if g != w]
        check(not diff and len(got) == len(WANT),
              f"{tag}: {len(WANT)} printed lines as the rules say" + (f"; first differences {diff[:3]}" if diff else
                                                                      f" ({len(got)} lines)"))
        with open(os.path.join(elsewhere, "out.txt")) as f:
            out = f.read()
        check(out == "q replaces\nr appended\ns quiet\n", f"{tag}: print file replaces, append appends, screen no "
              f"writes only the file: {out!r}")
        os.remove(os.path.join(elsewhere, "out.txt"))
check.finish()
