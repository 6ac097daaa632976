"""setfl (DYNAMO / LAMMPS eam/alloy) files: writer, reader, and the table
interpolation both LAMMPS and mgmd use.

Layout (LAMMPS pair_style eam/alloy documentation):
  lines 1-3   comments
  line 4      N El_1 ... El_N
  line 5      Nrho drho Nr dr cutoff
  per element "Z mass a lattice", then Nrho values F(rho_j), rho_j = j drho,
              then Nr values f(r_i), r_i = i dr (j, i from 0)
  then        for i = 1..N, j = 1..i: Nr values r*phi_ij(r_i), eV*A
Lines are read with a 1024-byte buffer by LAMMPS, so every line written here
is kept far shorter (a longer comment line would spill into the next record).
"""

VALUES_PER_LINE = 5
NUMBER = "%.14e"       # 15 significant digits: any such decimal is one double
MAX_LINE = 1000


def write(header, elements, lattices, grid, frho, rhor, z2r):
    """Return the file text. header: 3 comment strings; elements: Element
    records in file order; lattices: [(a, name)]; grid: (nrho, drho, nr, dr,
    cut); frho, rhor: one list per element; z2r: {(i, j): list} for i >= j
    (0-based)."""
    nrho, drho, nr, dr, cut = grid
    out = []
    for h in header:
        if "\n" in h or len(h) > MAX_LINE:
            raise ValueError("comment line too long or not one line: %r" % h[:80])
        out.append(h)
    out.append("%d %s" % (len(elements), " ".join(e.name for e in elements)))
    out.append("%d %s %d %s %s" % (nrho, NUMBER % drho, nr, NUMBER % dr, NUMBER % cut))

    def block(values, n):
        if len(values) != n:
            raise ValueError("table of %d values, expected %d" % (len(values), n))
        for k in range(0, n, VALUES_PER_LINE):
            out.append(" ".join(NUMBER % v for v in values[k:k + VALUES_PER_LINE]))

    for k, el in enumerate(elements):
        a, lat = lattices[k]
        out.append("%d %s %.6f %s" % (el.z, el.mass_text, a, lat))
        block(frho[k], nrho)
        block(rhor[k], nr)
    for i in range(len(elements)):
        for j in range(i + 1):
            block(z2r[(i, j)], nr)
    return "\n".join(out) + "\n"


def read(text):
    """Parse a setfl text -> dict(comments, elements, info, nrho, drho, nr,
    dr, cut, frho, rhor, z2r) with z2r keyed (i, j), i >= j, 0-based."""
    lines = text.split("\n")
    comments = lines[:3]
    tokens = []
    pos = 3
    head = lines[pos].split()
    pos += 1
    n = int(head[0])
    names = head[1:1 + n]
    grid = lines[pos].split()
    pos += 1
    nrho, drho, nr, dr, cut = int(grid[0]), float(grid[1]), int(grid[2]), float(grid[3]), float(grid[4])
    rest = lines[pos:]
    # Element lines have 4 fields; value lines are read as a flat stream
    # between them (as a Fortran-free reader would).
    tokens = []
    for ln in rest:
        tokens.extend(ln.split())
    k = 0

    def take(m):
        nonlocal k
        vals = [float(t) for t in tokens[k:k + m]]
        if len(vals) != m:
            raise ValueError("setfl: file ends early")
        k += m
        return vals

    info, frho, rhor = [], [], []
    for _ in range(n):
        z, mass, a, lat = tokens[k:k + 4]
        k += 4
        info.append((int(z), float(mass), float(a), lat))
        frho.append(take(nrho))
        rhor.append(take(nr))
    z2r = {}
    for i in range(n):
        for j in range(i + 1):
            z2r[(i, j)] = take(nr)
    if k != len(tokens):
        raise ValueError("setfl: %d values left over" % (len(tokens) - k))
    return dict(comments=comments, elements=names, info=info, nrho=nrho, drho=drho,
                nr=nr, dr=dr, cut=cut, frho=frho, rhor=rhor, z2r=z2r)


class Spline:
    """The cubic LAMMPS builds over an EAM table (pair_eam.cpp array2spline;
    mgmd src/potential/eam.c spline7): knot slopes from the five-point
    stencil (three- and two-point next to the ends), cubic Hermite between
    knots, located as LAMMPS does (p = x/delta + 1, m = min(int p, n-1),
    p -= m, p = min(p, 1), interval m-1)."""

    def __init__(self, values, delta):
        f = list(values)
        n = len(f)
        if n < 5:
            raise ValueError("a spline needs at least 5 points")
        d = [0.0] * n
        d[0] = f[1] - f[0]
        d[1] = 0.5 * (f[2] - f[0])
        d[n - 2] = 0.5 * (f[n - 1] - f[n - 3])
        d[n - 1] = f[n - 1] - f[n - 2]
        for m in range(2, n - 2):
            d[m] = ((f[m - 2] - f[m + 2]) + 8.0 * (f[m + 1] - f[m - 1])) / 12.0
        self.c = []
        for m in range(n - 1):
            c2 = 3.0 * (f[m + 1] - f[m]) - 2.0 * d[m] - d[m + 1]
            c3 = d[m] + d[m + 1] - 2.0 * (f[m + 1] - f[m])
            self.c.append((c3, c2, d[m], f[m]))
        self.c.append((0.0, 0.0, d[n - 1], f[n - 1]))
        self.n = n
        self.delta = delta
        self.rdelta = 1.0 / delta

    def locate(self, x):
        p = x * self.rdelta + 1.0
        m = int(p)
        if m > self.n - 1:
            m = self.n - 1
        if m < 1:
            m = 1
        p -= m
        if p > 1.0:
            p = 1.0
        return p, m - 1

    def __call__(self, x):
        p, m = self.locate(x)
        c3, c2, c1, c0 = self.c[m]
        return ((c3 * p + c2) * p + c1) * p + c0

    def slope(self, x):
        p, m = self.locate(x)
        c3, c2, c1, _ = self.c[m]
        return ((3.0 * c3 * p + 2.0 * c2) * p + c1) * self.rdelta
