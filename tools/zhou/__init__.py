"""Zhou-Johnson-Wadley EAM: setfl (LAMMPS eam/alloy) files from the published
analytic form and parameter table (the engine behind tools/eam-zhou).

X. W. Zhou, R. A. Johnson, H. N. G. Wadley, Phys. Rev. B 69, 144113 (2004).
Written from the formulas in zhou2004-eam-parameters.md (beside this file);
pure Python with the math module only, so the tables come from the C
library's exp/log/pow and are reproducible bit for bit on one system.

Modules:
  params   the parameter table (zhou2004-eam-parameters.tsv) -> Element records
  model    f(r), phi(r), the cross-pair rule and the three-branch F(rho)
  setfl    the setfl writer and reader, and the cubic interpolation LAMMPS
           (and mgmd) apply to the tables
  lattice  fcc / bcc / ideal hcp lattice sums, E(a) and its minimum
  cli      option parsing, cutoff and grids, the header, the self-check
"""
