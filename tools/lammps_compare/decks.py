"""The one calculation, spelled twice: as a LAMMPS input and as an mgmd deck.

Both evaluate the data file as read (`run 0`), then integrate `steps` steps of
velocity-Verlet NVE with a 1 A skin and a neighbour check on every step, and
write forces and per-atom energies in full precision at step 0 and at the last
step, plus thermo (total pe, pressure tensor) on every step.
"""

from dataclasses import dataclass

# File names inside the work directory, shared with cli.py.
LAMMPS_INPUT = "in.lammps"
LAMMPS_LOG = "lammps.log"
LAMMPS_DUMP0 = "lammps_forces.dump"
LAMMPS_DUMP_END = "lammps_forces_end.dump"
MGMD_DECK = "compare.mgmd"
MGMD_THERMO = "thermo.csv"
MGMD_DUMP0 = "forces.dump"
MGMD_DUMP_END = "forces_end.dump"

SKIN = 1.0  # A; what matters is that both codes use the same one


@dataclass
class Case:
    data: str            # absolute path of the data file
    natoms: int
    style: str           # eam, eam/alloy or eam/fs
    potentials: list     # absolute paths: one per type (eam) or a single file
    elements: list       # element per type (eam/alloy, eam/fs); empty for eam
    boundary: str        # "p p f"
    steps: int
    timestep: float      # ps
    newton: str = "yes"  # mgmd's `neighbor ... newton` (boundary pairs once or twice)


def _pair_coeffs(case, elements):
    if case.style == "eam":
        # LAMMPS mixes funcfl files itself when each type gets its own i i line.
        return [f"pair_coeff {t} {t} {path}" for t, path in enumerate(case.potentials, start=1)]
    return [f"pair_coeff * * {case.potentials[0]} {' '.join(elements)}"]


def lammps_input(case):
    # Masses: pair_coeff for the eam styles resets each type's mass to the one
    # in the potential file, overriding the data file's Masses section.
    lines = [
        "# written by tools/compare-lammps: the LAMMPS half of the comparison",
        "units metal",
        "atom_style atomic",
        "atom_modify map array",
        f"boundary {case.boundary}",
        f"read_data {case.data}",
        f"pair_style {case.style}",
        *_pair_coeffs(case, case.elements),
        f"neighbor {SKIN} bin",
        "neigh_modify every 1 delay 0 check yes",
        f"timestep {case.timestep!r}",
        "compute pe_atom all pe/atom",
        "thermo_style custom step time temp pe ke etotal press pxx pyy pzz pxy pxz pyz vol density",
        "thermo_modify format float %.17g norm no",
        "thermo 1",
        "fix nve all nve",
        *_lammps_dump("f0", 1000000, LAMMPS_DUMP0),
        "run 0",
        "undump f0",
    ]
    if case.steps > 0:
        lines += [*_lammps_dump("f1", case.steps, LAMMPS_DUMP_END), f"run {case.steps}"]
    return "\n".join(lines) + "\n"


def _lammps_dump(name, every, path):
    return [f"dump {name} all custom {every} {path} id type x y z fx fy fz c_pe_atom",
            f"dump_modify {name} sort id format float %.17g"]


def mgmd_deck(case, elements=None):
    """elements overrides the case's mapping for mgmd alone (fault injection)."""
    if case.style == "eam":
        potential = f"potential eam {' '.join(case.potentials)}"
    else:
        potential = f"potential {case.style} {case.potentials[0]} {' '.join(elements or case.elements)}"
    dump_columns = "columns id type x y z fx fy fz pe precision 17"
    lines = [
        "# written by tools/compare-lammps: the mgmd half of the comparison",
        "units metal",
        f"boundary {case.boundary}",
        f"timestep {case.timestep!r}",
        f"read_data {case.data}",
        potential,
        f"neighbor skin {SKIN} every 1 check yes newton {case.newton}",
        f"thermo every 1 file {MGMD_THERMO}",
        # An interval no run reaches: the dump writes step 0 only.
        f"dump f0 every 1000000 file {MGMD_DUMP0} {dump_columns}",
        "run 0",
        "undump f0",
    ]
    if case.steps > 0:
        lines += [f"dump f1 every {case.steps} file {MGMD_DUMP_END} {dump_columns}",
                  f"run {case.steps}"]
    return "\n".join(lines) + "\n"


def dump_end_files(case):
    """(LAMMPS, mgmd) dumps holding the last step: with no steps, step 0's."""
    if case.steps > 0:
        return LAMMPS_DUMP_END, MGMD_DUMP_END
    return LAMMPS_DUMP0, MGMD_DUMP0
