"""The Zhou 2004 parameter table: one row per element, tab-separated, with a
header row naming the columns (see zhou2004-eam-parameters.md)."""

import os

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_TABLE = os.path.join(HERE, "zhou2004-eam-parameters.tsv")

# Columns the model needs (the *_alt columns repeat F3, beta, lambda and are
# not used; Z and mass go into the setfl element lines).
FLOAT_COLUMNS = ("re", "fe", "rho_e", "rho_s", "alpha", "beta", "A", "B",
                 "kappa", "lambda", "Fn0", "Fn1", "Fn2", "Fn3",
                 "F0", "F1", "F2", "F3", "eta", "F_e",
                 "rho_n_frac", "rho_o_frac")


class Element:
    """One row. Attributes: name, z (int), mass_text (the table's string,
    written verbatim), mass (float), and every FLOAT_COLUMNS entry under its
    column name with 'lambda' as lam."""

    def __init__(self, row):
        self.name = row["element"]
        self.z = int(row["Z"])
        self.mass_text = row["mass"]
        self.mass = float(row["mass"])
        for c in FLOAT_COLUMNS:
            setattr(self, "lam" if c == "lambda" else c, float(row[c]))
        self.rho_n = self.rho_n_frac * self.rho_e
        self.rho_o = self.rho_o_frac * self.rho_e

    def __repr__(self):
        return "Element(%s)" % self.name


def load(path=DEFAULT_TABLE):
    """Return {symbol: Element} in table order."""
    with open(path, encoding="utf-8") as fh:
        lines = [ln.rstrip("\n") for ln in fh if ln.strip()]
    header = lines[0].split("\t")
    missing = [c for c in ("element", "Z", "mass") + FLOAT_COLUMNS if c not in header]
    if missing:
        raise ValueError("%s: missing columns %s" % (path, ", ".join(missing)))
    out = {}
    for k, line in enumerate(lines[1:], start=2):
        fields = line.split("\t")
        if len(fields) != len(header):
            raise ValueError("%s:%d: %d fields, header has %d" % (path, k, len(fields), len(header)))
        el = Element(dict(zip(header, fields)))
        out[el.name] = el
    return out
