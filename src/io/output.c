#include "io/output.h"

#include <stdlib.h>
#include <string.h>

void outputs_init(outputs *o)
{
    memset(o, 0, sizeof *o);
    thermo_init(&o->thermo);
}

static void destroy_observer(observer *ob, md *s)
{
    if (ob->ops->destroy)
        ob->ops->destroy(ob, s);
    free(ob);
}

void outputs_close(outputs *o, md *s)
{
    thermo_close(&o->thermo);
    for (int k = 0; k < o->ndump; k++)
        dump_close(&o->dumps[k]);
    o->ndump = 0;
    for (int k = 0; k < o->nobs; k++)
        destroy_observer(o->obs[k], s);
    o->nobs = 0;
}

static int thermo_due(const thermo *t, int64_t step, int64_t start, int64_t end)
{
    return step == start || step == end || (t->every > 0 && step % t->every == 0);
}

static int dump_due(const dump *d, int64_t step)
{
    return d->every > 0 && step % d->every == 0 && d->last_step != step;
}

int outputs_due(const outputs *o, int64_t step, int64_t start, int64_t end, int *peratom)
{
    int due = thermo_due(&o->thermo, step, start, end);
    *peratom = 0;
    for (int k = 0; k < o->ndump; k++)
        if (dump_due(&o->dumps[k], step)) {
            due = 1;
            *peratom |= dump_needs_peratom(&o->dumps[k]);
        }
    for (int k = 0; k < o->nobs; k++)
        due |= observer_due(o->obs[k], step, start, end);
    return due;
}

void outputs_write(outputs *o, md *s, int64_t start, int64_t end)
{
    for (int k = 0; k < o->nobs; k++)
        if (observer_due(o->obs[k], s->step, start, end))
            observer_sample(o->obs[k], s);
    if (thermo_due(&o->thermo, s->step, start, end))
        thermo_output(&o->thermo, s);
    for (int k = 0; k < o->ndump; k++)
        if (dump_due(&o->dumps[k], s->step))
            dump_write(&o->dumps[k], s);
}

void outputs_stage_end(outputs *o, md *s)
{
    for (int k = 0; k < o->nobs; k++)
        if (o->obs[k]->ops->stage_end)
            o->obs[k]->ops->stage_end(o->obs[k], s);
}

dump *outputs_find_dump(outputs *o, const char *name)
{
    for (int k = 0; k < o->ndump; k++)
        if (strcmp(o->dumps[k].name, name) == 0)
            return &o->dumps[k];
    return NULL;
}

void outputs_remove_dump(outputs *o, const char *name)
{
    for (int k = 0; k < o->ndump; k++)
        if (strcmp(o->dumps[k].name, name) == 0) {
            dump_close(&o->dumps[k]);
            memmove(&o->dumps[k], &o->dumps[k + 1], (size_t)(o->ndump - k - 1) * sizeof o->dumps[0]);
            o->ndump--;
            return;
        }
}

observer *outputs_find_observer(outputs *o, const char *name)
{
    for (int k = 0; k < o->nobs; k++)
        if (strcmp(o->obs[k]->name, name) == 0)
            return o->obs[k];
    return NULL;
}

int outputs_add_observer(outputs *o, observer *ob)
{
    if (o->nobs == OUTPUT_MAX_OBSERVERS)
        return -1;
    ob->last_step = -1;
    o->obs[o->nobs++] = ob;
    return 0;
}

void outputs_remove_observer(outputs *o, md *s, const char *name)
{
    for (int k = 0; k < o->nobs; k++)
        if (strcmp(o->obs[k]->name, name) == 0) {
            destroy_observer(o->obs[k], s);
            memmove(&o->obs[k], &o->obs[k + 1], (size_t)(o->nobs - k - 1) * sizeof o->obs[0]);
            o->nobs--;
            return;
        }
}
