/* Energy minimisation of the whole system: conjugate gradients or FIRE,
 * optionally with the box as extra degrees of freedom relaxed to a target
 * pressure (LAMMPS' `minimize` with `fix box/relax`).
 *
 * Collective: every rank calls minimize() with the same parameters. On
 * return positions, box, forces, energy and virial are current (s->ready),
 * velocities are zero, and s->step has advanced by one per iteration.
 * docs/minimize.md describes the methods, the stopping criteria and the
 * report; min_core.h the shared machinery. */
#ifndef MGMD_MINIMIZE_H
#define MGMD_MINIMIZE_H

#include <stdint.h>

#include "io/output.h"
#include "system/system.h"

enum min_style { MIN_CG, MIN_FIRE };
enum min_box { MIN_BOX_NONE, MIN_BOX_ISO, MIN_BOX_ANISO, MIN_BOX_TRI };

/* Why a minimisation stopped (names as LAMMPS prints them). */
enum min_stop {
    MIN_STOP_ETOL,       /* energy tolerance                                  */
    MIN_STOP_FTOL,       /* force tolerance                                   */
    MIN_STOP_MAXITER,    /* max iterations                                    */
    MIN_STOP_MAXEVAL,    /* max force evaluations                             */
    MIN_STOP_DOWNHILL,   /* line search failed: direction not downhill         */
    MIN_STOP_ZEROALPHA,  /* linesearch alpha is zero                          */
    MIN_STOP_ZEROFORCE,  /* forces are zero                                   */
    MIN_STOP_ZEROQUAD,   /* line search failed: quadratic factors are zero     */
};

typedef struct min_params {
    enum min_style style;
    double etol;          /* relative energy change; 0 = off                  */
    double ftol;          /* eV/A, on the 2-norm of the force vector; 0 = off */
    int64_t maxiter;      /* iterations                                       */
    int64_t maxeval;      /* force evaluations                                */
    enum min_box box;     /* box degrees of freedom                           */
    double ptarget;       /* bar, target pressure of the box relaxation       */
    double vmax;          /* max fractional volume change per iteration       */
    double dmax;          /* A, max atom displacement per iteration           */
    /* A caller's step between the end of the minimisation and its final
     * thermo line and dumps (NULL: none): aqs settles and measures the
     * state there and its observers sample it, so the dumps show it. */
    void (*before_output)(md *s, void *arg);
    void *before_arg;
} min_params;

typedef struct min_result {
    enum min_stop stop;
    int64_t niter, neval;
    double e0, e1;              /* potential energy initial, final (eV)       */
    double h0, h1;              /* objective E + P_target V, initial/final (eV) */
    double fnorm0, fnorm1;      /* 2-norm of the atom forces (eV/A)           */
    double fmax0, fmax1;        /* largest force component (eV/A)            */
    double gnorm1;              /* 2-norm incl. the box's generalized forces  */
    double press[6];            /* virial pressure tensor at the end (bar)    */
    double wall;                /* s                                          */
} min_result;

/* LAMMPS' defaults where LAMMPS has them (dmax 0.1 A); vmax 0.001. */
void min_params_default(min_params *p);
const char *min_stop_name(enum min_stop stop);
const char *min_style_name(enum min_style style);
const char *min_box_name(enum min_box box);

/* Run the minimisation (collective); prints the report on rank 0 and fills
 * *r if non-NULL. The system must have a box and a potential; the box must be
 * periodic in all dimensions when box relaxation is requested (the caller
 * checks, minimize() fails collectively otherwise). */
void minimize(md *s, outputs *o, const min_params *p, min_result *r);

#endif
