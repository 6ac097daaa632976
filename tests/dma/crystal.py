#!/usr/bin/python3
"""MD-DMA of an fcc Cu crystal at 100 K against its elastic constants
(label heavy: a statistical check on the optimised build).

256 atoms of fcc Cu (Cu_u3.eam, cube axes along x, y, z), NVT at 100 K
(Nose-Hoover, 0.1 ps). The elastic constants at 100 K from `elastic strain
0.005 temp 100 K` (docs/elastic.md: time-averaged stresses of the twelve
strained NVT runs, with standard errors); then two DMA measurements, each
a `deform` driven by `schedule ... sine` (amplitude 0.005, period 5 ps,
far slower than the crystal's phonons, so the response is elastic) read by
a `dma` observer with 1 settling and 6 measured cycles:
- shear xy: G' = C66 (= C44 of the cubic crystal) within 3 %, and no loss:
  tan delta inside its 95 % interval around zero;
- tension xx at fixed lateral size (uniaxial strain): E' = C11 within 3 %,
  tan delta consistent with zero;
- both: the FFT check within 1 % of the least-squares M', harmonics below
  0.05, settled.
The crystal has no relaxation at these periods: a loss consistent with
zero is what a correct phase convention and fit give.
"""
import csv
import os
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "elastic"))
import elcommon as ec  # noqa: E402
import mgmdtest as mt  # noqa: E402

C = mt.Checks()
DECK = """units metal
create_lattice fcc 3.615 cells 4 4 4 types Cu
potential eam Cu_u3.eam
change_box all triclinic
velocity create 200 K seed 4
ensemble nvt temp 100 K tdamp 0.1 ps
run 4000
elastic strain 0.005 temp 100 K steps 6000 equil 1000 file el
schedule osc sine amplitude 0.005 period 5 ps
deform d xy schedule osc remap x
dma g strain xy period 5 ps settle 1 cycles 6 file g
run 35000
unfix d
unobserve g
deform d xx schedule osc remap x
dma e strain xx period 5 ps settle 1 cycles 6 file e
run 35000
"""


def row(path):
    with open(path) as f:
        r = list(csv.DictReader(f))
    return {k.split("[")[0]: (float(v) if k not in ("mode",) else v) for k, v in r[-1].items()}


def main():
    with tempfile.TemporaryDirectory() as wd:
        mt.run_mgmd(DECK, wd)
        c, se = ec.read_cij(os.path.join(wd, "el_cij.csv")), ec.read_cij(os.path.join(wd, "el_cij_err.csv"))
        for name, comp, ci, label in (("g", "xy", 5, "C66 (C44)"), ("e", "xx", 0, "C11")):
            r = row(os.path.join(wd, f"{name}.csv"))
            ref, rse = c[ci][ci], se[ci][ci]
            C.check(abs(r["storage"] / ref - 1) < 0.03,
                    f"{comp}: M' = {r['storage']:.3f} +- {r['storage_se']:.3f} GPa against {label} at 100 K "
                    f"{ref:.3f} +- {rse:.3f} GPa: {100 * (r['storage'] / ref - 1):+.2f} % (within 3 %)")
            C.check(abs(r["tan_delta"]) <= r["t95"] * r["tan_delta_se"],
                    f"{comp}: tan delta {r['tan_delta']:.2e} +- {r['tan_delta_se']:.1e}, inside its 95 % interval "
                    f"(x {r['t95']:.3g}) around zero")
            C.check(abs(r["storage_fft"] / r["storage"] - 1) < 0.01 and r["harmonics"] < 0.05 and r["settled"] == 1
                    and r["cycles"] == 6,
                    f"{comp}: FFT M' {r['storage_fft']:.3f} GPa (LSQ {r['storage']:.3f}), harmonics "
                    f"{r['harmonics']:.3g}, settled, 6 cycles")
    C.finish()


if __name__ == "__main__":
    main()
