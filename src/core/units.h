/* LAMMPS `metal` units, the only unit system of mgmd.
 *
 *   length Angstrom, time ps, energy eV, temperature K, pressure bar,
 *   mass g/mol, velocity Angstrom/ps, force eV/Angstrom, density g/cm^3.
 *
 * The conversion constants are LAMMPS' metal values, so that temperatures,
 * pressures and trajectories agree with LAMMPS to round-off. Deck values may
 * carry a unit (`timestep 1 fs`); units_factor() gives the factor that
 * turns them into metal. */
#ifndef MGMD_UNITS_H
#define MGMD_UNITS_H

#include <stddef.h>

#define MG_BOLTZ  8.617343e-5            /* Boltzmann constant, eV/K             */
#define MG_MVV2E  1.0364269e-4           /* (g/mol)(A/ps)^2 -> eV                */
#define MG_FTM2V  (1.0 / 1.0364269e-4)   /* (eV/A)/(g/mol) -> A/ps^2             */
#define MG_NKTV2P 1.6021765e6            /* eV/A^3 -> bar                        */
#define MG_MV2D   (1.0 / 0.602214129)    /* (g/mol)/A^3 -> g/cm^3                */

enum quantity {
    Q_LENGTH,          /* A                          */
    Q_TIME,            /* ps                         */
    Q_TEMPERATURE,     /* K                          */
    Q_PRESSURE,        /* bar                        */
    Q_ENERGY,          /* eV                         */
    Q_MASS,            /* g/mol                      */
    Q_NUMBER_DENSITY,  /* atoms/A^3                  */
    Q_MASS_DENSITY,    /* g/cm^3                     */
    Q_TEMPERATURE_RATE,/* K/ps                       */
    Q_FORCE,           /* eV/A                       */
    Q_VELOCITY,        /* A/ps                       */
    Q_ANGLE,           /* degrees (as LAMMPS)        */
    Q_ANGULAR_RATE,    /* degrees/ps                 */
    Q_STRAIN_RATE,     /* 1/ps                       */
    Q_NQUANTITY
};

/* Metal-unit name of a quantity ("A", "ps", ...). */
const char *units_base(enum quantity q);
/* Comma-separated list of the units accepted for q, for error messages. */
const char *units_accepted(enum quantity q);
/* Is `unit` a unit of quantity q? On success *factor converts to metal. */
int units_factor(enum quantity q, const char *unit, double *factor);
/* Is `word` a unit of any quantity (used to tell a wrong unit from a keyword)? */
int units_is_any(const char *word, enum quantity *which);
const char *units_quantity_name(enum quantity q);
/* The longest unit name that text starts with (followed by a character
 * that cannot continue a name): its length, quantity and factor to metal;
 * 0 if none. */
size_t units_match(const char *text, enum quantity *which, double *factor);
/* The physical range of a quantity in metal units, lo <= v <= hi: what any
 * value a user gives must lie in (docs/errors.md has the table). Wide
 * enough for every study mgmd is for, narrow enough that the arithmetic
 * downstream (sums in fixed point, squares, products with the box) cannot
 * overflow. */
void units_range(enum quantity q, double *lo, double *hi);

#endif
