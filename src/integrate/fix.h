/* Fixes: everything that acts on the system during a step, as one ordered
 * list. Thermostats, the barostat, frozen, driven and pushed groups, the
 * outputs and the checkpoint trigger are all entries; the velocity-Verlet
 * skeleton (verlet.c) calls the list at fixed points of each step and
 * knows no kind by name.
 *
 * One step, with the hook points in order (docs/architecture.md):
 *
 *   initial      targets for this step; thermostat and barostat half steps
 *   half kick    v += dt/2 f/m                             (skeleton)
 *   post_kick    barostat: first half of the box remap
 *   drift        x += dt v; split in two halves around mid_drift when any
 *                entry has one (Langevin's BAOAB O step)   (skeleton)
 *   post_drift   clock advanced; barostat: second half remap, box flip;
 *                prescribed motion sets positions
 *   [ghosts refreshed or lists rebuilt -> `rebuilt` hooks] (skeleton)
 *   [box changed since the step began -> `box_changed`]    (skeleton)
 *   forces       EAM                                       (skeleton)
 *   post_force   freeze, setforce, addforce
 *   half kick    v += dt/2 f/m                             (skeleton)
 *   final        barostat and thermostat half steps, prescribed velocities
 *   end_of_step  outputs, then the checkpoint trigger
 *
 * Order: entries run by class (fix_ops.order: thermostats, barostats, user
 * fixes, outputs, checkpoint, progress report), and within a class in the order they were
 * defined; a redefined entry keeps its place. `final` runs in the reverse
 * order, so the splitting around the Verlet step is symmetric (the
 * Nose-Hoover chain inside the barostat's half steps, as in LAMMPS' fix
 * npt, is exactly time-reversible).
 *
 * Fixes that hold their atoms (freeze, move) set their group's bit in
 * md.held: thermostats skip those atoms and temperatures leave out their
 * degrees of freedom.
 *
 * Each entry's state goes into the checkpoint section "fixes", one
 * sub-group per entry (save/restore); a restart replays the deck, which
 * defines the same fixes again, and then restores their state by name.
 *
 * Adding a fix: one file in src/fix/ with its fix_ops and its deck command,
 * and one line in the command registry (deck/registry.c). */
#ifndef MGMD_FIX_H
#define MGMD_FIX_H

#include <stdint.h>

#include "core/ckpt_section.h"
#include "integrate/schedule.h"
#include "system/system.h"

#define FIX_MAX 64
#define FIX_NAME_LEN 64

/* Classes, in step order. */
enum fix_order {
    FIX_ORDER_THERMOSTAT = 100,
    FIX_ORDER_BAROSTAT = 200,
    FIX_ORDER_USER = 300,
    FIX_ORDER_OUTPUT = 800,
    FIX_ORDER_CHECKPOINT = 900,
    FIX_ORDER_REPORT = 950,
};

/* What an entry needs at a step (fix_ops.wants). */
enum { FIX_WANTS_ENERGY = 1, FIX_WANTS_PERATOM = 2 };

/* The step being made, as every hook sees it. */
typedef struct step_info {
    int64_t n;          /* step of the run this is about: 1..nsteps; at set-up,
                           the steps already done (0, or where a restart
                           resumes)                                          */
    int64_t nsteps;     /* the run's length                                  */
    int64_t first;      /* steps done before this process began the run      */
    int64_t start;      /* absolute step of the run's step 0                 */
    int64_t step;       /* absolute step of this call: start + n             */
    double dt;          /* ps                                                */
    int resumed;        /* the run continues from a checkpoint               */
    int rebuilt;        /* end_of_step: lists were rebuilt in this step      */
    double wall0;       /* wall clock at the run's start (s)                 */
} step_info;

typedef struct fix fix;
typedef struct fix_list fix_list;
typedef void (*fix_hook)(fix *f, md *s, const step_info *si);

typedef struct fix_ops {
    const char *kind;          /* "nvt", "freeze", ...                         */
    int order;                 /* enum fix_order                               */
    int holds_atoms;           /* its group's atoms are not thermostatted      */
    /* The groups it holds (bits), when not just its own group (a torsion
     * fix holds two grips; fixes_using_group counts them as used). NULL:
     * its group. */
    uint64_t (*held)(const fix *f);
    /* A run begins (collective): evaluate targets for its first step, check
     * that the system can take the fix; before the set-up forces. */
    fix_hook begin_run;
    /* After the set-up forces (and at a resume). */
    fix_hook setup;
    fix_hook initial, post_kick, mid_drift, post_drift, post_force, final;
    /* Returns 1 to end the run after this step. */
    int (*end_of_step)(fix *f, md *s, const step_info *si);
    fix_hook box_changed, rebuilt;
    /* The run ended (stopped early or not). */
    void (*end_run)(fix *f, md *s, int stopped);
    /* Add the energy it holds (eV, a bath's share of the conserved
     * quantity) to *acc, term by term in a fixed order. */
    void (*energy)(const fix *f, const md *s, double *acc);
    /* FIX_WANTS_* it needs from the forces at absolute step `step`. */
    int (*wants)(const fix *f, const md *s, int64_t step, const step_info *si);
    /* Take schedule sc as its target `what` ("temp", "press", ...) from the
     * next step on; returns 1 if it follows such a target. */
    int (*set_target)(fix *f, const char *what, const schedule *sc);
    /* Would resetting the step counter break it (a schedule anchored at an
     * absolute step)? NULL: no. */
    int (*counts_steps)(const fix *f);
    void (*save)(fix *f, ckpt_state *c);
    int (*restore)(fix *f, ckpt_state *c, char *why, size_t whylen);
    void (*destroy)(fix *f, md *s);
} fix_ops;

struct fix {
    char name[FIX_NAME_LEN];
    const fix_ops *ops;
    int group;                 /* group index (system/group.h)                 */
    int64_t seq;               /* definition order                             */
    fix_list *list;            /* the list it is in                            */
    void *data;                /* the fix's own                                */
};

enum fix_hook_point {
    FIX_HOOK_INITIAL, FIX_HOOK_POST_KICK, FIX_HOOK_MID_DRIFT, FIX_HOOK_POST_DRIFT,
    FIX_HOOK_POST_FORCE, FIX_HOOK_FINAL, FIX_HOOK_BOX_CHANGED, FIX_HOOK_REBUILT,
    FIX_HOOK_SETUP, FIX_HOOK_BEGIN_RUN, FIX_NHOOK
};

struct fix_list {
    int n;
    fix *f[FIX_MAX];           /* heap; in step order                          */
    int64_t next_seq;
    unsigned present;          /* hook points some entry has (1 << point)      */
    schedule_table schedules;  /* named schedules the fixes may follow         */
};

void fixes_init(fix_list *fx);
/* Destroy every entry and the named schedules. */
void fixes_destroy(fix_list *fx, md *s);
/* A destroy callback for a fix whose data is one heap block. */
void fix_free_data(fix *f, md *s);
/* A new entry (heap; data NULL): add it with fixes_add. */
fix *fix_new(const fix_ops *ops, const char *name, int grp);
/* Take ownership of f: replace the entry of that name (in its place) or
 * insert by class. Updates md.held. Returns -1 if the list is full. */
int fixes_add(fix_list *fx, md *s, fix *f);
fix *fixes_find(const fix_list *fx, const char *name);
/* Remove and destroy the entry named `name`; returns 0, or -1 if none. */
int fixes_remove(fix_list *fx, md *s, const char *name);
/* Give target `what` to every entry that follows one; returns how many took it. */
int fixes_set_target(fix_list *fx, const char *what, const schedule *sc);
/* Does any entry use group g? */
const fix *fixes_using_group(const fix_list *fx, int g);

/* The value of target schedule sc at the step a hook is about. */
static inline double fix_target(const schedule *sc, const step_info *si)
{
    schedule_clock c = {si->step, si->start, si->nsteps};
    return schedule_value(sc, &c);
}

/* Driving the list (verlet.c). */
void fixes_call(fix_list *fx, enum fix_hook_point p, md *s, const step_info *si);
static inline int fixes_have(const fix_list *fx, enum fix_hook_point p) { return (fx->present >> p) & 1; }
int fixes_end_of_step(fix_list *fx, md *s, const step_info *si);
void fixes_end_run(fix_list *fx, md *s, int stopped);
int fixes_wants(const fix_list *fx, const md *s, int64_t step, const step_info *si);
/* The baths' energy (eV), entries in step order. */
double fixes_energy(const fix_list *fx, const md *s);
/* Forces at the current positions followed by the post_force hooks: what a
 * step's forces are (an entry that must recompute them calls this). */
void fixes_force(fix_list *fx, md *s, int want, const step_info *si);
/* Re-neighbour, then the rebuilt hooks. */
void fixes_reneighbor(fix_list *fx, md *s, const step_info *si);

/* The checkpoint section "fixes". */
ckpt_section fixes_section(fix_list *fx);

#endif
