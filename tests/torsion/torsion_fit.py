#!/usr/bin/python3
"""tools/torsion-fit, the core-shell fit of wires of several diameters
(Equations 4-6; docs/torsion.md), on synthetic apparent moduli from the
model itself: Gi = 35 GPa, Gs = 22 GPa, SR = 10 A, wires of 3, 4, 6, 8 and
15 nm.

1. Without noise the fit returns the three parameters to 1e-6 relative.
2. Coverage: with Gaussian noise of 0.3 GPa (the SE given to the fit), in
   200 seeded trials each parameter lies within 2 of its stated standard
   errors in at least 90 % of them (95.4 % expected for a linear model;
   the binomial spread over 200 trials is 1.5 %, so 90 % leaves room for
   the model's curvature in SR without passing a wrong covariance, which
   an error scaled by 2 or by 1/2 gives as ~100 % or ~68 %).
3. The command line on a table of the same data prints the fitted values;
   on moduli equal within their errors it says that no size dependence
   (no shell) is resolved and gives their weighted mean.
4. tools/plot-torsion draws torsion tables with their summaries, and Gs
   against D with the core-shell curve, into valid PNGs, and refuses a
   file that is not a torsion table (exit 2); tools/plot-profile draws a
   radial profile table with its fits and refuses other files.
Runtime ~5 s.
"""
import importlib.machinery
import importlib.util
import os
import subprocess
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
import mgmdtest as mt  # noqa: E402

TOOL = os.path.join(HERE, "..", "..", "tools", "torsion-fit")
loader = importlib.machinery.SourceFileLoader("torsion_fit", TOOL)
spec = importlib.util.spec_from_loader("torsion_fit", loader)
tf = importlib.util.module_from_spec(spec)
loader.exec_module(tf)

check = mt.Checks()
TRUE = np.array([35.0, 22.0, 10.0])
R = np.array([15.0, 20.0, 30.0, 40.0, 75.0])
SE = 0.3

g = tf.model(TRUE, R)
p, cov, chi2, dof = tf.fit(R, g, np.full(len(R), SE))
check(np.allclose(p, TRUE, rtol=1e-6), f"noise-free: Gi, Gs, SR = {p[0]:.8g}, {p[1]:.8g}, {p[2]:.8g} (true 35, 22, 10)")

rng = np.random.default_rng(20261207)
inside = np.zeros(3)
n = 200
for _ in range(n):
    gn = g + rng.normal(0.0, SE, len(R))
    p, cov, chi2, dof = tf.fit(R, gn, np.full(len(R), SE))
    inside += np.abs(p - TRUE) <= 2 * np.sqrt(np.diag(cov))
for k, name in enumerate(("Gi", "Gs", "SR")):
    check(inside[k] / n >= 0.90, f"coverage of {name}: within 2 SE in {inside[k] / n:.1%} of {n} noisy trials (>= 90 %)")

with tempfile.TemporaryDirectory() as wd:
    path = os.path.join(wd, "wires.csv")
    with open(path, "w") as f:
        f.write("D[A],G[GPa],G_se[GPa]\n")
        for r, v in zip(R, g):
            f.write(f"{2 * r},{v!r},{SE}\n")
    out = subprocess.run([sys.executable, TOOL, "--table", path], capture_output=True, text=True).stdout
    ok = "Gi (core)  = 35 +-" in out and "Gs (shell) = 22 +-" in out and "SR (shell thickness) = 10 +-" in out
    check(ok, "the command line prints Gi = 35, Gs = 22, SR = 10" + ("" if ok else ":\n" + out))
    check("no size dependence is resolved" not in out, "a resolved size dependence is not called unresolved")
    flat = os.path.join(wd, "flat.csv")
    with open(flat, "w") as f:
        f.write("D[A],G[GPa],G_se[GPa]\n20,32.1,0.8\n30,32.7,0.6\n40,31.6,1.9\n60,32.3,0.7\n")
    out = subprocess.run([sys.executable, TOOL, "--table", flat], capture_output=True, text=True).stdout
    check("no size dependence is resolved" in out and "G = 32.3" in out,
          "moduli equal within their errors: the tool says no shell is resolved and gives the weighted mean"
          + ("" if "G = 32.3" in out else ":\n" + out))

    # Torsion tables and summaries as the stress_strain observer writes them.
    head = ("stage,step,time[ps],gamma_s[1],phi[deg],torque[eV],torque_top[eV],torque_bottom[eV],diameter[A],"
            "gauge[A],tau_s[GPa],pe[eV/atom],temp[K]\n")
    shead = ("stage,strain,stress,fit[1],offset[1],flow_lo[1],flow_hi[1],direction,samples,first_step,last_step,"
             "strain_min[1],strain_max[1],fit_points,modulus[GPa],modulus_se[GPa],intercept[GPa],yield_strain[1],"
             "yield_stress[GPa],secant_yield[GPa],max_strain[1],max_stress[GPa],secant_max[GPa],flow_points,"
             "flow_blocks,flow_stress[GPa],flow_se[GPa]\n")
    sums = []
    for r, gapp in zip(R[:4], g[:4]):
        d, L = 2 * r, 6 * r
        pre = os.path.join(wd, f"w{int(d)}", "tq")
        os.makedirs(os.path.dirname(pre))
        with open(pre + ".csv", "w") as f:
            f.write(head)
            for k in range(20):
                phi = 0.5 * k
                gam = d * np.radians(phi) / (2 * L)
                tau = gapp * min(gam, 0.02)
                T = tau / 160.21766208 * np.pi * d ** 3 / 16
                f.write(f"1,{k},{k},{gam},{phi},{T},{-T},{T},{d},{L},{tau},-4.2,50\n")
        with open(pre + "_summary.csv", "w") as f:
            f.write(shead)
            f.write(f"1,gamma_s,tau_s,0.01,0.002,nan,nan,1,20,0,19,0,0.03,10,{gapp},0.3,0,0.022,0.44,20,0.03,0.44,"
                    "15,0,0,nan,nan\n")
        sums.append(pre + "_summary.csv")
    plot = os.path.join(HERE, "..", "..", "tools", "plot-torsion")
    out = os.path.join(wd, "curves.png")
    p = subprocess.run([sys.executable, plot, *[s[:-12] + ".csv" for s in sums], "-o", out], capture_output=True,
                       text=True)
    check(p.returncode == 0 and mt.is_png(out), f"plot-torsion draws four torsion tables ({p.stderr.strip()})")
    out = os.path.join(wd, "gsd.png")
    p = subprocess.run([sys.executable, plot, "--gs-d", *sums, "--bulk", "35", "--fit", "-o", out],
                       capture_output=True, text=True)
    check(p.returncode == 0 and mt.is_png(out), f"plot-torsion --gs-d --fit draws Gs(D) ({p.stderr.strip()})")
    p = subprocess.run([sys.executable, plot, path], capture_output=True, text=True)
    check(p.returncode == 2 and "not a torsion table" in p.stderr, f"a file that is not a torsion table: exit "
          f"{p.returncode} ({p.stderr.strip()})")
    # A radial profile table and its fits, as the profile observer writes them.
    prof = os.path.join(wd, "prof.csv")
    with open(prof, "w") as f:
        f.write("window,step_first,step_last,samples,r_lo[A],r_hi[A],r[A],atoms[1],atoms_se[1],density[1/A^3],"
                "density_se[1/A^3],x_Cu[1],x_Cu_se[1],x_Zr[1],x_Zr_se[1],pe[eV/atom],pe_se[eV/atom],tau_zt[GPa],"
                "tau_zt_se[GPa],gamma[1],G[GPa],G_se[GPa]\n")
        for k in range(12):
            r = 2 * k + 1
            n = 0.03 * (1 - np.tanh((r - 15) / 1.0))
            f.write(f"1,0,100,5,{2 * k},{2 * k + 2},{r},{n * 100},1,{n},0.001,0.64,0.01,0.36,0.01,-4.3,0.01,"
                    f"{0.001 * r},0.001,{0.0001 * r},{30 - (r > 12) * 10},2\n")
    with open(os.path.join(wd, "prof_fits.csv"), "w") as f:
        f.write("window,n_core[1/A^3],R0[A],w[A],G_core[GPa],R_G[A],w_G[A]\n1,0.06,15,1,30,14,2\n")
    plot = os.path.join(HERE, "..", "..", "tools", "plot-profile")
    out = os.path.join(wd, "prof.png")
    p = subprocess.run([sys.executable, plot, prof, "-o", out], capture_output=True, text=True)
    check(p.returncode == 0 and mt.is_png(out), f"plot-profile draws a radial profile with its fits ({p.stderr.strip()})")
    p = subprocess.run([sys.executable, plot, path], capture_output=True, text=True)
    check(p.returncode == 2 and "not a profile table" in p.stderr, f"plot-profile refuses a file that is not a "
          f"profile table: exit {p.returncode}")
check.finish()
