/* The `ensemble` command's fixes: thermostats and the barostat.
 *
 *   nvt       Nose-Hoover chain thermostat (fix/nose_hoover.c), entry
 *             "thermostat"
 *   langevin  BAOAB Langevin thermostat (fix/langevin.c), entry "thermostat"
 *   npt       the Nose-Hoover chain plus the Martyna-Tobias-Klein barostat
 *             (fix/barostat.c), entries "thermostat" and "barostat"
 *   nve       neither
 *
 * Each entry follows its own target schedules ("temp", and for the
 * barostat one pressure target per controlled box component: `press` for
 * the axes it covers, or a component's own, xx ... yz), set by `ensemble`
 * and by `quench`, `hold` and `cycle` (fix/ensemble.c). docs/ensembles.md
 * has the equations and the step order. */
#ifndef MGMD_FIX_ENSEMBLE_H
#define MGMD_FIX_ENSEMBLE_H

#include <stdint.h>

#include "integrate/fix.h"
#include "integrate/nh_chain.h"

enum ensemble_kind { ENS_NVE = 0, ENS_NVT = 1, ENS_LANGEVIN = 2, ENS_NPT = 3 };
/* Barostat coupling styles. */
enum baro_couple { BARO_ISO = 0, BARO_ANISO = 1, BARO_TRI = 2 };
/* Box components, in the order of the virial and the pressure tensor. */
enum baro_component { BARO_XX, BARO_YY, BARO_ZZ, BARO_XY, BARO_XZ, BARO_YZ, BARO_NCOMP };

#define THERMOSTAT_FIX "thermostat"
#define BAROSTAT_FIX "barostat"

typedef struct ensemble_settings {
    enum ensemble_kind kind;
    int group;                   /* thermostatted group                       */
    schedule temp;               /* K                                         */
    double tdamp;                /* ps                                        */
    int nchain;
    uint64_t seed;               /* Langevin                                  */
    enum baro_couple couple;
    int paxis[3];                /* x, y, z coupled (1) or held fixed (0)     */
    schedule press;              /* bar                                       */
    double pdamp;                /* ps                                        */
    int pchain;                  /* barostat chain length, 0 = none           */
    /* Stress control: targets per component (BARO_XX ... BARO_YZ). Given on
     * this line (never inherited from an earlier `ensemble` line): */
    int have_press;              /* `press` was given                         */
    int pnamed[BARO_NCOMP];      /* the component has a target of its own     */
    /* ... and what the line resolves to (ensemble.c), the barostat's
     * settings: */
    int ctrl[BARO_NCOMP];        /* the barostat controls the component       */
    int bypress[BARO_NCOMP];     /* its target is `press`'s                   */
    int iso;                     /* the controlled diagonals share one rate   */
    schedule ptarget[BARO_NCOMP]; /* bar: each controlled component's target  */
    int sllod;                   /* thermostat the peculiar velocity (SLLOD)  */
                                 /* under a flow (md.flow: deform remap v,    */
                                 /* a twisting torsion)                       */
} ensemble_settings;

void ensemble_defaults(ensemble_settings *e);
const char *ensemble_kind_name(enum ensemble_kind k);

/* New entries for settings e. `old` is the entry it replaces (or NULL):
 * its state carries over when it is the same kind made by the same
 * ensemble (a redefinition keeps the thermostat going). */
fix *nose_hoover_new(const ensemble_settings *e, const fix *old);
fix *langevin_new(const ensemble_settings *e, const fix *old);
fix *barostat_new(const ensemble_settings *e, const fix *old);
/* The settings an existing entry was made with, into e (the fields it has). */
void nose_hoover_settings(const fix *f, ensemble_settings *e);
void langevin_settings(const fix *f, ensemble_settings *e);
/* The settings of the thermostat entry f, whichever kind it is, over the
 * defaults (for fixes that check it: sllod, its temperature). */
void thermostat_settings(const fix *f, ensemble_settings *e);
void barostat_settings(const fix *f, ensemble_settings *e);
/* Which box components (BARO_XX ... BARO_YZ) the barostat entry f moves:
 * ctrl[q] = 1 for each; returns how many (0, all ctrl[q] = 0, if f is not
 * the barostat). For a box-deformation fix to refuse a component the
 * barostat also drives (LAMMPS: "Cannot use fix npt and fix deform on
 * same component of stress tensor"). An uncontrolled tilt still scales
 * with the lengths the barostat changes (h' = exp(omega_dot t) h). */
int barostat_controls(const fix *f, int ctrl[BARO_NCOMP]);
/* A SLLOD thermostat (sllod set) at a run's set-up: fails collectively
 * unless a fix publishes a flow (md.flow: `deform ... remap v`, `torsion
 * ... rate|schedule`). */
void thermostat_check_flow(int sllod, const md *s);
/* Which ensemble made the thermostat entry f (ENS_NVT, ENS_NPT, ENS_LANGEVIN). */
enum ensemble_kind thermostat_ensemble(const fix *f);

#endif
