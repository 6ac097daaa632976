"""Readers for the files compared: LAMMPS text dumps (written by both codes),
mgmd's thermo CSV, LAMMPS' log file, and the header of a LAMMPS data file.

Every reader raises FormatError with the file name and what was wrong, so a
malformed output reads as "mgmd wrote a bad file", not as a Python traceback.
"""

import re

import numpy as np


class FormatError(Exception):
    pass


# --- LAMMPS text dump ------------------------------------------------------

class Frame:
    """One dump snapshot, atoms sorted by id so two frames line up row by row."""

    def __init__(self, step, ids, columns):
        order = np.argsort(ids, kind="stable")
        self.step = step
        self.ids = ids[order]
        self.columns = {name: values[order] for name, values in columns.items()}

    def vectors(self, *names):
        return np.column_stack([self.columns[n] for n in names])


def read_dump_last_frame(path, required=()):
    """The last frame of a text dump, which must have an id column and the
    `required` ones.  Earlier frames are skipped, not parsed: a dump written
    every N steps during `run N` also holds step 0."""
    try:
        with open(path) as f:
            lines = f.read().splitlines()
    except OSError as e:
        raise FormatError(f"{path}: cannot read dump ({e.strerror})")
    starts = [i for i, line in enumerate(lines) if line.startswith("ITEM: TIMESTEP")]
    if not starts:
        raise FormatError(f"{path}: no 'ITEM: TIMESTEP' line; not a LAMMPS text dump")
    frame = lines[starts[-1]:]
    where = f"{path}: frame at line {starts[-1] + 1}"
    try:
        step = int(frame[1].split()[0])
        i = frame.index("ITEM: NUMBER OF ATOMS")
        natoms = int(frame[i + 1].split()[0])
        i = next(k for k, line in enumerate(frame) if line.startswith("ITEM: ATOMS"))
    except (IndexError, ValueError, StopIteration):
        raise FormatError(f"{where}: malformed header (need TIMESTEP, NUMBER OF ATOMS, ATOMS)")
    names = frame[i].split()[2:]
    rows = [line.split() for line in frame[i + 1:i + 1 + natoms]]
    if len(rows) != natoms or any(len(r) != len(names) for r in rows):
        raise FormatError(f"{where}: expected {natoms} rows of {len(names)} columns "
                          f"({' '.join(names)}), found {len(rows)} (truncated file?)")
    missing = [c for c in ("id",) + tuple(required) if c not in names]
    if missing:
        raise FormatError(f"{where}: no column {', '.join(missing)} (has {' '.join(names)})")
    try:
        table = np.array(rows, dtype=float).reshape(natoms, len(names))
    except ValueError:
        raise FormatError(f"{where}: a value that is not a number")
    columns = {name: table[:, k] for k, name in enumerate(names)}
    ids = columns.pop("id").astype(np.int64)
    if len(np.unique(ids)) != natoms:
        raise FormatError(f"{where}: duplicate atom ids")
    return Frame(step, ids, columns)


# --- thermo tables ---------------------------------------------------------

_UNIT = re.compile(r"\[[^\]]*\]$")


def read_thermo_csv(path):
    """mgmd's thermo table: a header of names with units in brackets
    ("press[bar]"), then one row per output.  Returned as a list of dicts keyed
    by bare name, so a column added or moved later does not break us."""
    try:
        with open(path) as f:
            lines = [(n, line.strip()) for n, line in enumerate(f, start=1)
                     if line.strip() and not line.startswith("#")]
    except OSError as e:
        raise FormatError(f"{path}: cannot read thermo table ({e.strerror})")
    if not lines:
        raise FormatError(f"{path}: empty thermo table")
    header = lines[0][1]
    names = [_UNIT.sub("", field.strip()) for field in header.split(",")]
    rows = []
    for n, line in lines[1:]:
        if line == header:
            continue  # the header again, as a writer may repeat it for each run
        fields = line.split(",")
        if len(fields) != len(names):
            raise FormatError(f"{path}:{n}: {len(fields)} fields, header has {len(names)}")
        try:
            rows.append({k: float(v) for k, v in zip(names, fields)})
        except ValueError:
            raise FormatError(f"{path}:{n}: a value that is not a number")
    return rows


# LAMMPS' thermo keywords as they appear in a log header -> mgmd's names.
LAMMPS_THERMO_NAMES = {
    "Step": "step", "Time": "time", "Temp": "temp", "PotEng": "pe", "KinEng": "ke",
    "TotEng": "etotal", "Press": "press", "Pxx": "pxx", "Pyy": "pyy", "Pzz": "pzz",
    "Pxy": "pxy", "Pxz": "pxz", "Pyz": "pyz", "Volume": "vol", "Density": "density",
}


def read_lammps_log(path):
    """The thermo blocks of a LAMMPS log, one list of rows per `run`, each row a
    dict keyed by mgmd's column names (see LAMMPS_THERMO_NAMES)."""
    try:
        with open(path) as f:
            lines = f.read().splitlines()
    except OSError as e:
        raise FormatError(f"{path}: cannot read LAMMPS log ({e.strerror})")
    blocks, names = [], None
    for line in lines:
        fields = line.split()
        if fields[:1] == ["Step"]:
            names = [LAMMPS_THERMO_NAMES.get(k, k) for k in fields]
            blocks.append([])
        elif names is not None:
            if line.startswith("Loop time"):
                names = None
                continue
            try:
                values = [float(v) for v in fields]
            except ValueError:
                continue  # a WARNING printed in the middle of a run
            if len(values) == len(names):
                blocks[-1].append(dict(zip(names, values)))
    if not blocks:
        raise FormatError(f"{path}: no thermo output found")
    return blocks


# --- LAMMPS data file ------------------------------------------------------

def read_data_header(path):
    """Atom and type counts from a data file's header (what the options are
    checked against; both codes read the body themselves)."""
    counts = {}
    try:
        with open(path) as f:
            next(f)  # the first line is a comment by definition
            for line in f:
                fields = line.split("#")[0].split()
                if fields[-2:] == ["atom", "types"]:
                    counts["types"] = int(fields[0])
                elif fields[-1:] == ["atoms"]:
                    counts["atoms"] = int(fields[0])
                elif fields and fields[0][0].isalpha():
                    break  # first section keyword: the header is over
    except (OSError, StopIteration, ValueError) as e:
        raise FormatError(f"{path}: cannot read data file header ({e})")
    if set(counts) != {"atoms", "types"}:
        raise FormatError(f"{path}: header lacks the 'N atoms' or 'N atom types' line")
    return counts["atoms"], counts["types"]
