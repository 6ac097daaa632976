"""Helpers of the torsion tests: an fcc Cu wire along [001] carved from a
crystal (Mendelev's Cu-Zr potential, Cu only), grips of the top and bottom
atom layers, and the reader of a torsion table. Standard library + numpy."""
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
import mgmdtest as mt  # noqa: E402

POT = "/usr/share/lammps/potentials/CuZr_mm.eam.fs"
# The sanitizer build (MGMD_LIGHT=1 from tests/torsion/CMakeLists.txt): the
# same code paths on smaller wires and fewer steps; the physics checks that
# need size (the modulus against C44, the torsional wave) run in the
# optimised build.
LIGHT = os.environ.get("MGMD_LIGHT") == "1"
A0 = 3.615  # A, the lattice the crystal is built on (relaxed by the wire's own minimisation)


def wire(cells_xy, cells_z, radius, grip=7.0):
    """Deck lines: a [001] wire of the given radius (A) cut from
    cells_xy x cells_xy x cells_z fcc cells, in a box with 10 A of vacuum
    on every side (boundary f f f), and groups gtop / gbot holding the atoms
    within `grip` A of its ends."""
    w, h = cells_xy * A0, cells_z * A0
    c = w / 2
    return f"""units metal
timestep 2 fs
create_lattice fcc {A0} A cells {cells_xy} {cells_xy} {cells_z} types Cu
potential eam/fs {POT} Cu
neighbor skin 1.0
region rod cylinder z {c} {c} {radius} INF INF side out units box
delete_atoms region rod
change_box all x final -10 {w + 10} y final -10 {w + 10} z final -10 {h + 10} boundary f f f units box
region rtop block INF INF INF INF {h - grip} INF units box
region rbot block INF INF INF INF INF {grip} units box
group gtop region rtop
group gbot region rbot
"""


def read_table(path):
    """A torsion table -> dict of numpy arrays keyed by column name (no unit)."""
    return mt.read_thermo(path)
