"""Cross-validation of mgmd against LAMMPS (the engine behind tools/compare-lammps).

Modules:
  formats    readers for the files both codes write (dumps, thermo CSV, LAMMPS
             logs) and the header of a LAMMPS data file
  decks      the two input decks that describe one and the same calculation
  cli        option parsing, running both codes, the comparison and its verdict
  fake_mgmd  a stand-in for mgmd built on LAMMPS, so the tool can test itself
             before mgmd exists and prove that it notices a wrong answer
"""
