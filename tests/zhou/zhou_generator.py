#!/usr/bin/python3
"""zhou-generator: tools/eam-zhou and the Zhou-Johnson-Wadley files it made.

Checks:
- the self-check (`eam-zhou --check Pd Cu Ni --json`) passes, and its numbers
  agree with the published values held here, independently of the tool:
  equilibrium fcc lattice constants within 0.001 A and cohesive energies
  within 0.01 eV, from the analytic functions, from the tables, and by the
  paper's construction -[F(rho_e) + 1/2 sum_k n_k phi(r_k)];
- every value in potentials/PdCuNi_zhou04.eam.alloy and CuZr_zhou04.eam.alloy
  equals the published formulas (a second implementation, numpy, written
  here from tools/zhou/zhou2004-eam-parameters.md) at its grid point,
  including the cross pairs phi_ab = 1/2 [f_b/f_a phi_aa + f_a/f_b phi_bb];
- the headers name source, citation, command and the mixing-rule caveat;
- regenerating both shipped files with the commands in potentials/README.md
  gives identical bytes (and `--check-file` passes on them);
- negative: a copy of the Pd-Cu-Ni file with Pd's F(rho) scaled by 1.01
  (E_c off by ~0.04 eV) must make `--check-file` fail.
"""
import filecmp
import json
import os
import subprocess
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import mgmdtest as mt  # noqa: E402

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
TOOL = os.path.join(ROOT, "tools", "eam-zhou")
TSV = os.path.join(ROOT, "tools", "zhou", "zhou2004-eam-parameters.tsv")
POT = os.path.join(ROOT, "potentials")
SHIPPED = {  # file -> elements, as in potentials/README.md
    "PdCuNi_zhou04.eam.alloy": ["Pd", "Cu", "Ni"],
    "CuZr_zhou04.eam.alloy": ["Cu", "Zr"],
}
# Published fcc lattice constants (A) and cohesive energies (eV). Pd's 3.91 eV
# is what the published parameters encode (see tools/zhou/cli.py and
# potentials/README.md); the handbook 3.89 eV is printed for comparison.
PUBLISHED = {"Pd": (3.8904, 3.91), "Cu": (3.6150, 3.54), "Ni": (3.5196, 4.45)}
TOL_A0, TOL_EC = 1e-3, 0.01

checks = mt.Checks()
check = checks.check  # check(ok, what): the shared tally (tests/mgmdtest.py)


def run(args, **kw):
    return subprocess.run([sys.executable, TOOL] + args, capture_output=True, text=True, **kw)


# --- an independent implementation of the published model -------------------

def load_params():
    with open(TSV) as fh:
        rows = [ln.rstrip("\n").split("\t") for ln in fh if ln.strip()]
    head = rows[0]
    out = {}
    for r in rows[1:]:
        d = dict(zip(head, r))
        out[d["element"]] = {k: (v if k == "element" else float(v)) for k, v in d.items()}
    return out


def f_np(p, r):
    x = r / p["re"]
    return p["fe"] * np.exp(-p["beta"] * (x - 1)) / (1 + (x - p["lambda"]) ** 20)


def phi_np(p, r):
    x = r / p["re"]
    return (p["A"] * np.exp(-p["alpha"] * (x - 1)) / (1 + (x - p["kappa"]) ** 20)
            - p["B"] * np.exp(-p["beta"] * (x - 1)) / (1 + (x - p["lambda"]) ** 20))


def phi_ab_np(pa, pb, r):
    if pa is pb:
        return phi_np(pa, r)
    fa, fb = f_np(pa, r), f_np(pb, r)
    return 0.5 * (fb / fa * phi_np(pa, r) + fa / fb * phi_np(pb, r))


def F_np(p, rho):
    rho_n, rho_o = p["rho_n_frac"] * p["rho_e"], p["rho_o_frac"] * p["rho_e"]
    low = sum(p["Fn%d" % i] * (rho / rho_n - 1) ** i for i in range(4))
    mid = sum(p["F%d" % i] * (rho / p["rho_e"] - 1) ** i for i in range(4))
    with np.errstate(divide="ignore", invalid="ignore"):
        y = (rho / p["rho_s"]) ** p["eta"]
        high = p["F_e"] * (1 - np.log(y)) * y
    return np.where(rho < rho_n, low, np.where(rho < rho_o, mid, high))


def read_setfl(path):
    with open(path) as fh:
        lines = fh.read().split("\n")
    names = lines[3].split()[1:]
    g = lines[4].split()
    nrho, drho, nr, dr, cut = int(g[0]), float(g[1]), int(g[2]), float(g[3]), float(g[4])
    tok = " ".join(lines[5:]).split()
    k, out = 0, dict(names=names, nrho=nrho, drho=drho, nr=nr, dr=dr, cut=cut,
                     comments=lines[:3], el={}, z2r={})
    for name in names:
        info = tok[k:k + 4]
        k += 4
        F = np.array(tok[k:k + nrho], float)
        k += nrho
        f = np.array(tok[k:k + nr], float)
        k += nr
        out["el"][name] = (info, F, f)
    for i in range(len(names)):
        for j in range(i + 1):
            out["z2r"][(names[i], names[j])] = np.array(tok[k:k + nr], float)
            k += nr
    out["leftover"] = len(tok) - k
    return out


def compare_tables(path, prm):
    s = read_setfl(path)
    base = os.path.basename(path)
    check(s["leftover"] == 0, "%s: value count matches the header" % base)
    r = np.arange(s["nr"]) * s["dr"]
    rho = np.arange(s["nrho"]) * s["drho"]
    worst = {}
    for name, (info, F, f) in s["el"].items():
        p = prm[name]
        worst["F " + name] = np.max(np.abs(F - F_np(p, rho)) / np.maximum(1.0, np.abs(F)))
        worst["f " + name] = np.max(np.abs(f - f_np(p, r)) / np.maximum(1e-3, np.abs(f)))
        a_exp = np.sqrt(2) * p["re"] if name not in ("Zr", "Ti", "Co", "Fe") else None
        if a_exp is not None:
            check(info[3] == "fcc" and abs(float(info[2]) - a_exp) < 1e-6 and float(info[1]) == p["mass"]
                  and int(info[0]) == int(p["Z"]),
                  "%s: %s element line %s (Z, mass, sqrt(2) re, fcc)" % (base, name, " ".join(info)))
        else:
            check(int(info[0]) == int(p["Z"]) and float(info[1]) == p["mass"],
                  "%s: %s element line %s (Z, mass; %s a = %s)" % (base, name, " ".join(info), info[3], info[2]))
    for (a, b), z in s["z2r"].items():
        ref = r * phi_ab_np(prm[a], prm[b], r)
        worst["r*phi %s-%s" % (a, b)] = np.max(np.abs(z - ref) / np.maximum(1e-3, np.abs(ref)))
    bad = {k: v for k, v in worst.items() if not v < 1e-11}
    check(not bad, "%s: all %d tables equal the published formulas at the grid points "
          "(largest relative difference %.1e)%s"
          % (base, len(worst), max(worst.values()), (" BAD: %s" % bad) if bad else ""))
    return s


def main():
    prm = load_params()
    with tempfile.TemporaryDirectory() as wd:
        js = os.path.join(wd, "check.json")
        p = run(["--check", "Pd", "Cu", "Ni", "--json", js])
        sys.stdout.write(p.stdout)
        check(p.returncode == 0, "eam-zhou --check Pd Cu Ni exits 0 (got %d)%s"
              % (p.returncode, (": " + p.stderr.strip()) if p.stderr.strip() else ""))
        res = {}
        if os.path.exists(js):
            with open(js) as fh:
                res = {e["element"]: e for e in json.load(fh)["elements"]}
        for el, (a_pub, ec_pub) in PUBLISHED.items():
            e = res.get(el)
            if e is None:
                check(False, "%s: no self-check result" % el)
                continue
            for src in ("analytic", "tables"):
                a = e["a0_" + src]
                check(abs(a - a_pub) <= TOL_A0, "%s a0 (%s) %.6f A vs published %.4f: %+.1e (tol %g)"
                      % (el, src, a, a_pub, a - a_pub, TOL_A0))
            for src in ("construction", "analytic", "tables"):
                ec = e["ec_" + src]
                check(abs(ec - ec_pub) <= TOL_EC, "%s E_c (%s) %.6f eV vs published %.2f: %+.4f (tol %g)"
                      % (el, src, ec, ec_pub, ec - ec_pub, TOL_EC))
        if "Pd" in res:
            print("note: Pd E_c %.6f eV is %+.3f eV from the handbook 3.89 eV (outside 0.01): the "
                  "parameters encode 3.91 eV" % (res["Pd"]["ec_analytic"], res["Pd"]["ec_analytic"] - 3.89))

        for name, els in SHIPPED.items():
            path = os.path.join(POT, name)
            if not os.path.exists(path):
                check(False, "%s exists" % path)
                continue
            s = compare_tables(path, prm)
            c = "\n".join(s["comments"])
            cmd = "tools/eam-zhou %s -o %s" % (" ".join(els), name)
            for needle, what in (("X. W. Zhou, R. A. Johnson, H. N. G. Wadley, PRB 69, 144113 (2004)", "citation"),
                                 ("tools/eam-zhou", "source"), ("made by: " + cmd + " |", "command"),
                                 ("not fitted to any alloy data", "mixing-rule caveat"),
                                 ("max |phi| =", "tail values at the cutoff")):
                check(needle in c, "%s header: %s" % (name, what))
            p = run(["--check-file", path])
            check(p.returncode == 0, "eam-zhou --check-file %s exits 0 (got %d)" % (name, p.returncode))
            out = os.path.join(wd, name)
            p = run(els + ["-o", out], cwd=wd)
            same = p.returncode == 0 and filecmp.cmp(out, path, shallow=False)
            check(same, "regenerated %s is byte-identical to potentials/%s (%s)"
                  % (name, name, "exit %d" % p.returncode))

        # Negative: the check must catch a wrong table.
        src = os.path.join(POT, "PdCuNi_zhou04.eam.alloy")
        if os.path.exists(src):
            with open(src) as fh:
                lines = fh.read().split("\n")
            nrho = int(lines[4].split()[0])
            nlines = -(-nrho // 5)
            for k in range(6, 6 + nlines):  # Pd's F block follows its element line (line 6)
                lines[k] = " ".join("%.14e" % (1.01 * float(v)) for v in lines[k].split())
            bad = os.path.join(wd, "bad.eam.alloy")
            with open(bad, "w") as fh:
                fh.write("\n".join(lines))
            p = run(["--check-file", bad])
            check(p.returncode == 1 and "FAIL" in p.stdout,
                  "a Pd F(rho) scaled by 1.01 fails the self-check (exit %d)" % p.returncode)

    return checks.summary()


if __name__ == "__main__":
    sys.exit(main())
