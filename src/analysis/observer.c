/* Observer bookkeeping shared by every analysis (observer.h): per-atom
 * columns named "OBSERVER_col" (under 32 characters, at most 24 per
 * observer; an over-long name, a full table or a name already taken fails
 * collectively, as every rank runs the same deck), and the due/sample
 * guards. An interval counts from step 0, not from the run's start
 * (`start` is unused); last_step makes a step reached by two routes (an
 * interval step that ends a stage, `analyze`) sample only once.
 * No communication of its own; sample() communicates as its observer does. */
#include "analysis/observer.h"
#include "core/error.h"

#include <stdio.h>
#include <string.h>

observer *observer_new(const char *name, const observer_ops *ops, int every, int at_end)
{
    observer *ob = mg_calloc(1, sizeof *ob);
    snprintf(ob->name, sizeof ob->name, "%s", name);
    ob->ops = ops;
    ob->every = every;
    ob->at_end = at_end;
    ob->last_step = -1;
    return ob;
}

int observer_add_prop(observer *ob, md *s, const char *col, int width, int integer)
{
    char name[160];
    snprintf(name, sizeof name, "%s_%s", ob->name, col);
    if (strlen(name) >= sizeof ob->props[0] || ob->nprops == (int)(sizeof ob->props / sizeof ob->props[0]))
        mg_fail_all("observer %s: cannot add per-atom column '%s' (name over %zu characters or too many columns)",
                    ob->name, name, sizeof ob->props[0] - 1);
    if (atoms_find_prop(&s->atoms, name) >= 0)
        mg_fail_all("observer %s: a per-atom column '%s' exists already", ob->name, name);
    memcpy(ob->props[ob->nprops++], name, strlen(name) + 1); /* fits: checked above */
    int k = atoms_add_prop(&s->atoms, name, width);
    s->atoms.prop[k].integer = integer;
    return k;
}

void observer_remove_props(observer *ob, md *s)
{
    for (int k = 0; k < ob->nprops; k++)
        atoms_remove_prop(&s->atoms, ob->props[k]);
    ob->nprops = 0;
}

int observer_due(const observer *ob, int64_t step, int64_t start, int64_t end)
{
    if (ob->last_step == step)
        return 0;
    if (ob->every > 0 && step % ob->every == 0)
        return 1;
    return ob->at_end && step == end;
}

void observer_sample(observer *ob, md *s)
{
    if (ob->last_step == s->step)
        return;
    ob->ops->sample(ob, s);
    ob->last_step = s->step;
}
