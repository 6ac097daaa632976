/* The `ensemble` command's fixes: thermostats and the barostat.
 *
 *   nvt       Nose-Hoover chain thermostat (fix/nose_hoover.c), entry
 *             "thermostat"
 *   langevin  BAOAB Langevin thermostat (fix/langevin.c), entry "thermostat"
 *   npt       the Nose-Hoover chain plus the Martyna-Tobias-Klein barostat
 *             (fix/barostat.c), entries "thermostat" and "barostat"
 *   nve       neither
 *
 * Each entry follows its own target schedules ("temp", and "press" for the
 * barostat), set by `ensemble` and by `quench`, `hold` and `cycle`
 * (fix/ensemble.c). docs/ensembles.md has the equations and the step
 * order. */
#ifndef MGMD_FIX_ENSEMBLE_H
#define MGMD_FIX_ENSEMBLE_H

#include <stdint.h>

#include "integrate/fix.h"
#include "integrate/nh_chain.h"

enum ensemble_kind { ENS_NVE = 0, ENS_NVT = 1, ENS_LANGEVIN = 2, ENS_NPT = 3 };
/* Barostat coupling styles. */
enum baro_couple { BARO_ISO = 0, BARO_ANISO = 1, BARO_TRI = 2 };

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
void barostat_settings(const fix *f, ensemble_settings *e);
/* Which ensemble made the thermostat entry f (ENS_NVT, ENS_NPT, ENS_LANGEVIN). */
enum ensemble_kind thermostat_ensemble(const fix *f);

#endif
