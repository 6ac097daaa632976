#include "system/system.h"
#include "core/error.h"
#include "core/units.h"
#include "parallel/parallel.h"

#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

void md_init(md *s)
{
    memset(s, 0, sizeof *s);
    atoms_init(&s->atoms);
    halo_init(&s->halo);
    neighbor_init(&s->nb);
    for (int d = 0; d < 3; d++)
        s->box.boundary[d] = 'p';
    s->dt = 0.001;
    s->energy_at = -1;
    timers_reset(&s->tm);
}

void md_destroy(md *s)
{
    atoms_destroy(&s->atoms);
    halo_destroy(&s->halo);
    neighbor_destroy(&s->nb);
    decomp_destroy(&s->dc);
    if (s->pot) {
        eam_destroy(s->pot);
        free(s->pot);
    }
    memset(s, 0, sizeof *s);
}

void md_decompose(md *s)
{
    for (int d = 0; d < 3; d++)
        if (s->box.boundary[d] == 's' && s->box.triclinic)
            mg_fail_all("boundary 's' (shrink-wrapped) needs an orthogonal box; this one is tilted "
                        "(xy %g, xz %g, yz %g A): use 'f' with room to spare", s->box.xy, s->box.xz, s->box.yz);
    char err[256];
    if (decomp_setup(&s->dc, &s->box, s->procs, err, sizeof err) != 0)
        mg_fail_all("%s", err);
    s->ready = 0;
}

void md_reneighbor(md *s)
{
    if (decomp_shrink_wrap(&s->box, &s->atoms)) {
        /* Fractional cuts stay, so the sub-domains follow the box. */
        for (int d = 0; d < 3; d++) {
            s->dc.sublo[d] = s->dc.cuts[d][s->dc.coord[d]];
            s->dc.subhi[d] = s->dc.cuts[d][s->dc.coord[d] + 1];
        }
    }
    decomp_migrate(&s->dc, &s->atoms, &s->box);
    timers_stamp(&s->tm, TIMER_COMM);
    /* Sorting at every rebuild keeps memory access local and makes the
     * state after a rebuild a function of the atoms alone (exact restarts,
     * docs/checkpoints.md); it costs one pass over the owned atoms. */
    if (s->nb.sort)
        neighbor_sort_atoms(&s->nb, &s->atoms);
    timers_stamp(&s->tm, TIMER_NEIGH);
    halo_build(&s->halo, &s->atoms, &s->box, &s->dc, s->nb.cutneigh_max);
    timers_stamp(&s->tm, TIMER_COMM);
    neighbor_build(&s->nb, &s->atoms, &s->box, s->step);
    timers_stamp(&s->tm, TIMER_NEIGH);
}

void md_force(md *s, int want_energy)
{
    atoms *a = &s->atoms;
    memset(a->f, 0, (size_t)a->nlocal * sizeof *a->f);
    if (!s->pot) {
        s->epot = 0.0;
        memset(s->virial, 0, sizeof s->virial);
        s->energy_at = s->step;
        return;
    }
    double e = 0.0, vir[6] = {0};
    int other = -1;
    int bad = eam_compute(s->pot, a, &s->nb, &s->halo, want_energy ? &e : NULL, vir, &other);
    timers_stamp(&s->tm, TIMER_FORCE);
    if (bad >= 0) {
        double dx = a->x[bad][0] - a->x[other][0], dy = a->x[bad][1] - a->x[other][1],
               dz = a->x[bad][2] - a->x[other][2];
        mg_fail_one("atoms %lld and %lld are %.4g A apart at step %lld, closer than the potential allows "
                    "(%.4g A, where a pair energy passes 10 keV): overlapping atoms in the input or a time "
                    "step too large",
                    (long long)a->id[bad], (long long)a->id[other], sqrt(dx * dx + dy * dy + dz * dz),
                    (long long)s->step, s->pot->rmin);
    }
    if (want_energy) {
        double in[7] = {e, vir[0], vir[1], vir[2], vir[3], vir[4], vir[5]}, out[7];
        par_sum_doubles(in, out, 7);
        timers_stamp(&s->tm, TIMER_COMM);
        if (!isfinite(out[0]))
            mg_fail_run("potential energy is not finite at step %lld: the system has blown up "
                        "(time step too large, or atoms overlapping)", (long long)s->step);
        s->epot = out[0];
        memcpy(s->virial, out + 1, sizeof s->virial);
        s->energy_at = s->step;
    }
}

void md_setup(md *s, int want_energy)
{
    if (!s->have_box)
        mg_fail_all("no atoms yet: use read_data, read_checkpoint, create_lattice or create_alloy first");
    if (s->pot)
        neighbor_set_cutoffs(&s->nb, s->atoms.ntypes, s->pot->cutpair);
    md_decompose(s);
    md_reneighbor(s);
    md_force(s, want_energy);
    s->ready = 1;
}

int md_refresh(md *s, int strict)
{
    if (neighbor_decide(&s->nb, &s->atoms, &s->box, s->step, strict)) {
        md_reneighbor(s);
        return 1;
    }
    halo_forward_x(&s->halo, &s->atoms, &s->box);
    timers_stamp(&s->tm, TIMER_COMM);
    return 0;
}

void md_change_box(md *s, const box *nb)
{
    box old = s->box;
    box_update(&old);
    s->box = *nb;
    box_update(&s->box);
    atoms *a = &s->atoms;
    for (int i = 0; i < a->nlocal; i++) {
        double l[3];
        box_to_lamda(&old, a->x[i], l);
        box_from_lamda(&s->box, l, a->x[i]);
    }
}

double md_pressure(md *s, double p[6])
{
    double kt[6];
    md_kinetic(s, kt);
    for (int q = 0; q < 6; q++)
        p[q] = (kt[q] + s->virial[q]) / s->box.volume * MG_NKTV2P;
    return (p[0] + p[1] + p[2]) / 3.0;
}

double md_kinetic(const md *s, double ktensor[6])
{
    const atoms *a = &s->atoms;
    double k[6] = {0}, out[6];
    for (int i = 0; i < a->nlocal; i++) {
        double m = atoms_mass(a, i);
        const double *v = a->v[i];
        k[0] += m * v[0] * v[0];
        k[1] += m * v[1] * v[1];
        k[2] += m * v[2] * v[2];
        k[3] += m * v[0] * v[1];
        k[4] += m * v[0] * v[2];
        k[5] += m * v[1] * v[2];
    }
    par_sum_doubles(k, out, 6);
    for (int q = 0; q < 6; q++)
        out[q] *= MG_MVV2E;
    if (ktensor)
        memcpy(ktensor, out, sizeof out);
    return 0.5 * (out[0] + out[1] + out[2]);
}

double md_dof(const md *s)
{
    double dof = 3.0 * (double)s->atoms.natoms - 3.0;
    return dof > 0 ? dof : 0.0;
}

double md_total_mass(const md *s)
{
    double m = 0;
    for (int i = 0; i < s->atoms.nlocal; i++)
        m += atoms_mass(&s->atoms, i);
    return par_sum_double(m);
}
