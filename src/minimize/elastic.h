/* Elastic constants by finite strains of the current configuration (the
 * `elastic` command, docs/elastic.md).
 *
 * Each of the six Voigt strains (xx yy zz yz xz xy) is applied as +EPS and
 * -EPS to the box, H' = (I + e E_J) H with E_J = e_a e_b^T, atoms mapped
 * affinely; the pressure tensor of the strained state gives one column of
 * the stiffness, C_iJ = -(p_i(+EPS) - p_i(-EPS)) / (2 EPS), in GPa. At
 * 0 K the state is the affine one (relax no) or the atoms are minimised at
 * the fixed strained box (relax yes); at temperature T it is the time
 * average of a thermostatted run at the strained box. Afterwards the
 * configuration is back exactly as it was (elastic_compute restores every
 * rank's owned atoms, box, clock and energies byte for byte).
 *
 * Collective: every rank calls these with the same parameters. */
#ifndef MGMD_ELASTIC_H
#define MGMD_ELASTIC_H

#include <stdint.h>

#include "integrate/fix.h"
#include "minimize/minimize.h"

#define ELASTIC_MAX_BLOCKS 1000

typedef struct elastic_params {
    double strain;            /* EPS, dimensionless, in (0, 0.05]           */
    int relax;                /* 0 K: minimise the atoms at each strain     */
    min_params min;           /* 0 K, relax yes: the minimisations          */
    /* Finite temperature: temp > 0 selects it. */
    double temp;              /* K                                          */
    int64_t steps;            /* sampled steps per strained run             */
    int64_t equil;            /* steps before sampling starts               */
    int blocks;               /* block averages for the standard errors     */
    const fix *thermostat;    /* the deck's thermostat entry, whose kind,   */
                              /* group and damping the runs copy            */
} elastic_params;

/* Voigt, Reuss, Hill rows; B G E nu columns. */
enum { EL_VOIGT, EL_REUSS, EL_HILL };
enum { EL_B, EL_G, EL_E, EL_NU };

typedef struct elastic_result {
    double c[6][6];           /* GPa, symmetrised (C_ij + C_ji)/2           */
    double craw[6][6];        /* GPa, as measured: row i stress, column J strain */
    double asym;              /* GPa, largest |craw_ij - craw_ji|           */
    double mod[3][4];         /* GPa (nu dimensionless); Reuss NaN if C is  */
                              /* singular                                   */
    int finite_t;             /* the SEs below are set                      */
    double se[6][6];          /* GPa, standard errors of c from the blocks  */
    double mod_se[3][4];
    int64_t block_steps;      /* steps per block                            */
    int min_unconverged;      /* 0 K: minimisations that hit a limit        */
    double eig[6];            /* GPa, eigenvalues of c, rising: all > 0 is  */
                              /* Born's stability criterion                 */
} elastic_result;

/* Refuse (0) or accept (1) the strained boxes: a tilt beyond LAMMPS' limit
 * (half the box length it tilts along) after the strain. err says which. */
int elastic_boxes_ok(const md *s, double strain, char *err, int errlen);
/* Can PREFIX_cij.csv, PREFIX_moduli.csv (and PREFIX_cij_err.csv) be
 * written? Collective: claims checked, rank 0 creates them empty. 1 if so,
 * else 0 with the reason in err. */
int elastic_files_ok(const char *prefix, int finite_t, char *err, int errlen);
/* The whole measurement (collective); prints progress on rank 0. */
void elastic_compute(md *s, const elastic_params *p, elastic_result *r);
/* Voigt, Reuss and Hill averages of C (GPa) into mod; returns 0, or -1 if
 * C is singular (Reuss and Hill rows NaN). */
int elastic_moduli(const double c[6][6], double mod[3][4]);
/* Eigenvalues of the symmetric 6x6 c (GPa), in rising order (cyclic
 * Jacobi rotations, to 1e-14 of the matrix norm). */
void elastic_eigenvalues(const double c[6][6], double eig[6]);
/* Print the matrix and the moduli (rank 0) and write PREFIX_cij.csv,
 * PREFIX_moduli.csv and, at finite temperature, PREFIX_cij_err.csv
 * (collective; fails collectively if a file cannot be written). */
void elastic_report(const md *s, const elastic_params *p, const elastic_result *r, const char *prefix);

#endif
