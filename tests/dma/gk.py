#!/usr/bin/python3
"""tools/gk-modulus on synthetic stress fluctuations of a Maxwell fluid.

Three independent Ornstein-Uhlenbeck shear stresses (exact AR(1) steps),
each of variance s^2 and correlation time tau, so C(t) = s^2 e^{-t/tau} and
with G0 = (V/kT) s^2 the Green-Kubo moduli are Maxwell's:
G''(w) = G0 w tau/(1 + (w tau)^2), G'(w) - G_eq = G0 (w tau)^2/(1 + (w
tau)^2) (SCIENCE.md's Debye form). 400,000 samples of 0.01 ps, tau = 0.5
ps, G0 = 20 GPa, written in bar as thermo writes pressures. Checks:
- at periods 0.5 ... 20 ps, G'' and G' - G_eq within 3.5 of the tool's
  standard errors (8 blocks) of the closed forms, and the errors below 5 %
  of G0 (the tool is precise enough to be a cross-check);
- C(0) V/kT = G0 within 3.5 standard errors;
- --geq adds the static modulus to G';
- a series with uneven time steps is refused (exit 2);
- stationarity: no warning for these series; a component relaxing a
  frozen-in stress (-0.3 GPa decaying over a fifth of the run) is named.
"""
import math
import os
import subprocess
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import mgmdtest as mt  # noqa: E402

C = mt.Checks()
TOOL = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools", "gk-modulus")
KB, EVA3_GPA, BAR_EVA3 = 8.617343e-5, 160.21766, 1.0 / 1.6021765e6
N, DT, TAU, G0, V, T = 400000, 0.01, 0.5, 20.0, 12000.0, 800.0


def main():
    rng = np.random.default_rng(5)
    s2 = G0 / EVA3_GPA * KB * T / V  # (eV/A^3)^2
    phi = math.exp(-DT / TAU)
    from scipy.signal import lfilter
    noise = rng.normal(0, math.sqrt(s2 * (1 - phi * phi)), (N, 3))
    noise[0] = rng.normal(0, math.sqrt(s2), 3)  # the stationary start
    x = lfilter([1.0], [1.0, -phi], noise, axis=0)  # x_k = phi x_{k-1} + e_k
    bar = x / BAR_EVA3
    with tempfile.TemporaryDirectory() as wd:
        path = os.path.join(wd, "thermo.csv")
        with open(path, "w") as f:
            f.write("step,time[ps],pxy[bar],pxz[bar],pyz[bar]\n")
            for k in range(N):
                f.write(f"{k},{k * DT:.10g},{bar[k, 0]:.10g},{bar[k, 1]:.10g},{bar[k, 2]:.10g}\n")
        periods = [0.5, 1, 2, 5, 20]
        p = subprocess.run(["/usr/bin/python3", TOOL, path, "--volume", str(V), "--temp", str(T), "--tmax", "6",
                            "--periods", ",".join(map(str, periods))], capture_output=True, text=True)
        rows = [l.split(",") for l in p.stdout.splitlines() if l[:1].isdigit()]
        worst, errs = 0.0, []
        for r in rows:
            w = 2 * math.pi / float(r[0])
            wt = w * TAU
            want = (G0 * wt / (1 + wt * wt), G0 * wt * wt / (1 + wt * wt))
            for q, (val, se) in enumerate(((float(r[2]), float(r[3])), (float(r[4]), float(r[5])))):
                worst = max(worst, abs(val - want[q]) / se)
                errs.append(se)
        C.check(p.returncode == 0 and len(rows) == len(periods) and worst < 3.5 and max(errs) < 0.05 * G0,
                f"Maxwell fluctuations: G'' and G'-G_eq at {len(periods)} periods as the closed forms within "
                f"{worst:.2f} standard errors (< 3.5); largest error {max(errs):.3g} GPa (< 5 % of G0)")
        c0 = [l for l in p.stdout.splitlines() if "C(0) V/kT" in l]
        v, se = (float(c0[0].split("= ")[1].split()[0]), float(c0[0].split("+- ")[1].split()[0])) if c0 else (0, 1)
        C.check(abs(v - G0) < 3.5 * se, f"C(0) V/kT = {v:.4g} +- {se:.2g} GPa, G0 = {G0:g}")
        p2 = subprocess.run(["/usr/bin/python3", TOOL, path, "--volume", str(V), "--temp", str(T), "--tmax", "6",
                             "--periods", "2", "--geq", "30"], capture_output=True, text=True)
        r2 = [l.split(",") for l in p2.stdout.splitlines() if l[:1].isdigit()]
        base = [r for r in rows if float(r[0]) == 2][0]
        C.check(r2 and abs(float(r2[0][4]) - (float(base[4]) + 30)) < 1e-3 and "G'[GPa]" in p2.stdout,
                "--geq 30 adds the static modulus to G'")
        lines = open(path).read().split("\n")
        lines[500] = lines[500].replace(f",{499 * DT:.10g},", f",{499 * DT + 0.003:.10g},", 1)
        bad = os.path.join(wd, "uneven.csv")
        open(bad, "w").write("\n".join(lines))
        p3 = subprocess.run(["/usr/bin/python3", TOOL, bad, "--volume", "1", "--temp", "1"], capture_output=True,
                            text=True)
        C.check(p3.returncode == 2 and "not equally spaced" in p3.stderr, "uneven time steps refused (exit 2)")
        # Stationarity: the stationary series draw no warning; pxz relaxing a
        # frozen-in stress (-0.3 GPa decaying over a fifth of the run, as a
        # glass below Tg does) is named.
        C.check("WARNING" not in p.stderr, "the stationary Maxwell series: no drift warning")
        drift = bar.copy()
        tt = np.arange(N) * DT
        drift[:, 1] += -3000.0 * np.exp(-tt / (0.2 * N * DT))  # bar: -0.3 GPa relaxing
        path4 = os.path.join(wd, "drift.csv")
        with open(path4, "w") as f:
            f.write("step,time[ps],pxy[bar],pxz[bar],pyz[bar]\n")
            for k in range(N):
                f.write(f"{k},{k * DT:.10g},{drift[k, 0]:.10g},{drift[k, 1]:.10g},{drift[k, 2]:.10g}\n")
        p4 = subprocess.run(["/usr/bin/python3", TOOL, path4, "--volume", str(V), "--temp", str(T), "--tmax", "6",
                             "--periods", "2"], capture_output=True, text=True)
        warned = [l for l in p4.stderr.splitlines() if "WARNING" in l]
        C.check(p4.returncode == 0 and len(warned) == 1 and "pxz drifts" in warned[0],
                f"a relaxing pxz is named as drifting, the others not: {warned}")
    C.finish()


if __name__ == "__main__":
    main()
