"""The Zhou-Johnson-Wadley functions, as printed in the paper (PRB 69,
144113 (2004)) and in zhou2004-eam-parameters.md. x = r/re throughout.

  f(r)   = fe exp[-beta (x-1)] / (1 + (x-lambda)^20)
  phi(r) = A exp[-alpha (x-1)] / (1 + (x-kappa)^20)
           - B exp[-beta (x-1)] / (1 + (x-lambda)^20)
  phi_ab = 1/2 [ f_b/f_a phi_aa + f_a/f_b phi_bb ]          (a != b)
  F(rho), rho_n = rho_n_frac rho_e, rho_o = rho_o_frac rho_e:
    rho <  rho_n          sum_i Fn_i (rho/rho_n - 1)^i
    rho_n <= rho < rho_o  sum_i F_i  (rho/rho_e - 1)^i
    rho >= rho_o          F_e [1 - ln((rho/rho_s)^eta)] (rho/rho_s)^eta

Scalars in, scalars out (math module only): the generated files depend on
nothing but the C library's exp, log and pow.
"""

import math


def density(el, r):
    """f(r): electron density an atom of element el gives at distance r (A)."""
    x = r / el.re
    return el.fe * math.exp(-el.beta * (x - 1.0)) / (1.0 + (x - el.lam) ** 20)


def pair(el, r):
    """phi(r) of two atoms of element el, eV."""
    x = r / el.re
    rep = el.A * math.exp(-el.alpha * (x - 1.0)) / (1.0 + (x - el.kappa) ** 20)
    att = el.B * math.exp(-el.beta * (x - 1.0)) / (1.0 + (x - el.lam) ** 20)
    return rep - att


def cross_pair(ea, eb, r):
    """phi_ab(r), eV: the paper's rule for unlike pairs (phi_aa if ea is eb).
    Not fitted to any alloy property."""
    if ea is eb:
        return pair(ea, r)
    fa, fb = density(ea, r), density(eb, r)
    if fa <= 0.0 or fb <= 0.0:
        raise ValueError("f underflows at r = %g A: cross pair %s-%s undefined"
                         % (r, ea.name, eb.name))
    return 0.5 * (fb / fa * pair(ea, r) + fa / fb * pair(eb, r))


def embedding(el, rho):
    """F(rho), eV, the three branches joined at rho_n and rho_o."""
    if rho < el.rho_n:
        t = rho / el.rho_n - 1.0
        return el.Fn0 + t * (el.Fn1 + t * (el.Fn2 + t * el.Fn3))
    if rho < el.rho_o:
        t = rho / el.rho_e - 1.0
        return el.F0 + t * (el.F1 + t * (el.F2 + t * el.F3))
    y = (rho / el.rho_s) ** el.eta
    return el.F_e * (1.0 - math.log(y)) * y


def branch_joins(el):
    """[(rho, value jump, slope jump)] of F at rho_n and rho_o, from the
    branches on either side: the published parameters make them ~0 (F is
    continuous with a continuous slope; its curvature jumps)."""
    out = []
    for rho, below, above in ((el.rho_n, "n", "mid"), (el.rho_o, "mid", "o")):
        out.append((rho, _branch(el, above, rho) - _branch(el, below, rho),
                    _branch_slope(el, above, rho) - _branch_slope(el, below, rho)))
    return out


def _branch(el, which, rho):
    if which == "n":
        t = rho / el.rho_n - 1.0
        return el.Fn0 + t * (el.Fn1 + t * (el.Fn2 + t * el.Fn3))
    if which == "mid":
        t = rho / el.rho_e - 1.0
        return el.F0 + t * (el.F1 + t * (el.F2 + t * el.F3))
    y = (rho / el.rho_s) ** el.eta
    return el.F_e * (1.0 - math.log(y)) * y


def _branch_slope(el, which, rho):
    if which == "n":
        t = rho / el.rho_n - 1.0
        return (el.Fn1 + t * (2.0 * el.Fn2 + 3.0 * t * el.Fn3)) / el.rho_n
    if which == "mid":
        t = rho / el.rho_e - 1.0
        return (el.F1 + t * (2.0 * el.F2 + 3.0 * t * el.F3)) / el.rho_e
    # d/drho of F_e (1 - eta ln s) s^eta, s = rho/rho_s: -F_e eta^2 ln(s) s^eta / rho
    s = rho / el.rho_s
    return -el.F_e * el.eta * el.eta * math.log(s) * s ** el.eta / rho
