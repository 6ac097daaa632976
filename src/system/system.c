/* The system (system.h): set-up, re-neighbouring (shrink-wrap, migration,
 * dynamic groups, sorting, ghosts, lists, in that order), forces with
 * their energy sums, affine box changes, kinetic energies and degrees of
 * freedom of groups, and the checkpoint section of the decomposition.
 * Communication: migration and the halo (md_reneighbor, md_refresh), F' to
 * ghosts inside the EAM kernel, and the reductions of every global sum. */
#include "system/system.h"
#include "core/error.h"
#include "core/memory.h"
#include "core/units.h"
#include "parallel/parallel.h"

#include <float.h>
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
    groups_init(&s->groups);
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

/* Shrink-wrapped ('s') dimensions: the box bounds follow the atoms' extent
 * (collective). Returns 1 if the box changed. Orthogonal boxes only
 * (md_decompose refuses 's' with tilts): tilted bounds would need the
 * extent in fractional space. */
static int shrink_wrap(box *b, const atoms *a)
{
    int any = 0;
    for (int d = 0; d < 3; d++)
        any |= b->boundary[d] == 's';
    if (!any)
        return 0;
    double lo[3], hi[3], glo[3], ghi[3];
    for (int d = 0; d < 3; d++) {
        lo[d] = DBL_MAX;
        hi[d] = -DBL_MAX;
    }
    for (int i = 0; i < a->nlocal; i++)
        for (int d = 0; d < 3; d++) {
            if (a->x[i][d] < lo[d]) lo[d] = a->x[i][d];
            if (a->x[i][d] > hi[d]) hi[d] = a->x[i][d];
        }
    par_min_doubles(lo, glo, 3);
    par_max_doubles(hi, ghi, 3);
    int changed = 0;
    for (int d = 0; d < 3; d++) {
        if (b->boundary[d] != 's' || glo[d] > ghi[d])
            continue;
        /* A margin of 1e-4 of the extent (as LAMMPS' SMALL) keeps the
         * outermost atoms strictly inside. */
        double pad = 1e-4 * fmax(ghi[d] - glo[d], 1.0);
        double nlo = glo[d] - pad, nhi = ghi[d] + pad;
        if (nlo != b->lo[d] || nhi != b->hi[d]) {
            b->lo[d] = nlo;
            b->hi[d] = nhi;
            changed = 1;
        }
    }
    if (changed)
        box_update(b);
    return changed;
}

void md_reneighbor(md *s)
{
    /* Fractional cuts stay, so the sub-domains follow a shrink-wrapped box. */
    if (shrink_wrap(&s->box, &s->atoms))
        s->box_changes++;
    decomp_migrate(&s->dc, &s->atoms, &s->box);
    timers_stamp(&s->tm, TIMER_COMM);
    /* Dynamic groups see the atoms home and wrapped; ghosts made below
     * carry the new masks. */
    groups_update_dynamic(s);
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

/* Before the first list of a set-up: its size from the mean density and
 * the list radius (cutoff + skin), 4 bytes a neighbour (half of a full
 * sphere: each pair once), on top of the atoms themselves. A large skin
 * or a huge cutoff is refused here rather than by the allocator. */
static void check_neighbor_memory(md *s)
{
    if (s->nb.cutneigh_max <= 0 || s->box.volume <= 0)
        return;
    double rho = (double)s->atoms.natoms / s->box.volume, r = s->nb.cutneigh_max;
    double per_atom = 0.5 * rho * 4.0 / 3.0 * M_PI * r * r * r;
    double local = (double)s->atoms.natoms / par_size();
    double bytes = local * (4.0 * per_atom + MEM_BYTES_PER_ATOM);
    char what[300], err[700] = "";
    snprintf(what, sizeof what, "the neighbour lists (%.3g neighbours an atom within %.3g A, the cutoff plus the "
             "skin, for %.4g atoms a rank)", per_atom, r, local);
    int bad = mem_check(bytes, par_size(), what, err, sizeof err) != 0;
    mg_check_all(bad, err);
}

void md_setup(md *s, int want_energy)
{
    if (!s->have_box)
        mg_fail_all("no atoms yet: use read_data, read_checkpoint, create_lattice or create_alloy first");
    if (s->pot)
        neighbor_set_cutoffs(&s->nb, s->atoms.ntypes, s->pot->cutpair);
    if (s->dc.nranks == 0)
        md_decompose(s);
    check_neighbor_memory(s);
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
    s->box_changes++;
    atoms *a = &s->atoms;
    for (int i = 0; i < a->nlocal; i++) {
        double l[3];
        box_to_lamda(&old, a->x[i], l);
        box_from_lamda(&s->box, l, a->x[i]);
    }
}

void md_set_box(md *s, const box *nb)
{
    s->box = *nb;
    box_update(&s->box);
    s->box_changes++;
}

void md_streaming(const md *s, int i, double u[3])
{
    const atoms *a = &s->atoms;
    if (s->flow == FLOW_AFFINE) {
        double l[3];
        box_to_lamda(&s->box, a->x[i], l);
        for (int r = 0; r < 3; r++)
            u[r] = s->lo_rate[r] + s->hdot[r][0] * l[0] + s->hdot[r][1] * l[1] + s->hdot[r][2] * l[2];
    } else if (s->flow == FLOW_TWIST) {
        /* Unwrapped: the weight follows the atom along the wire, whichever
         * periodic image it is stored in. */
        const struct md_twist_flow *t = &s->twist;
        const int a1 = (t->axis + 1) % 3, a2 = (t->axis + 2) % 3;
        double xu[3];
        box_unwrap(&s->box, a->x[i], a->image[i], xu);
        double w = (xu[t->axis] - t->lo) / (t->hi - t->lo);
        w = t->omega * (w < 0.0 ? 0.0 : w > 1.0 ? 1.0 : w);
        u[t->axis] = 0.0;
        u[a1] = -w * (xu[a2] - t->c[a2]);
        u[a2] = w * (xu[a1] - t->c[a1]);
    } else {
        u[0] = u[1] = u[2] = 0.0;
    }
}

void md_flow_gradient(const md *s, double g[3][3])
{
    if (s->flow != FLOW_AFFINE) {
        memset(g, 0, 9 * sizeof g[0][0]);
        return;
    }
    for (int r = 0; r < 3; r++)
        for (int c = 0; c < 3; c++)
            g[r][c] = s->hdot[r][0] * s->box.hinv[0][c] + s->hdot[r][1] * s->box.hinv[1][c] +
                      s->hdot[r][2] * s->box.hinv[2][c];
}

void md_flow_scale(const double u[3], const double g[3][3], double v[3], double scale, double tau)
{
    for (int r = 0; r < 3; r++)
        v[r] = u[r] + scale * (v[r] - u[r]) + tau * (g[r][0] * u[0] + g[r][1] * u[1] + g[r][2] * u[2]);
}

int md_flip_box(md *s, const char *who)
{
    const box old = s->box;
    if (!box_flip(&s->box))
        return 0;
    s->box_changes++;
    const box *b = &s->box;
    /* x + H n = x + H' n': the same unwrapped position in the new cell. */
    atoms *a = &s->atoms;
    for (int i = 0; i < a->nlocal; i++) {
        double u[3], n[3];
        for (int r = 0; r < 3; r++)
            u[r] = old.h[r][0] * a->image[i][0] + old.h[r][1] * a->image[i][1] + old.h[r][2] * a->image[i][2];
        for (int r = 0; r < 3; r++)
            n[r] = b->hinv[r][0] * u[0] + b->hinv[r][1] * u[1] + b->hinv[r][2] * u[2];
        for (int r = 0; r < 3; r++)
            a->image[i][r] = (int)nearbyint(n[r]);
    }
    if (par_rank() == 0) {
        printf("%s: step %lld: box flipped to tilts xy %.6g xz %.6g yz %.6g A (were %.6g %.6g %.6g)\n", who,
               (long long)s->step, b->xy, b->xz, b->yz, old.xy, old.xz, old.yz);
        fflush(stdout);
    }
    return 1;
}

void md_atoms_changed(md *s)
{
    atoms *a = &s->atoms;
    a->nghost = 0;
    a->natoms = par_sum_i64(a->nlocal);
    decomp_migrate(&s->dc, a, &s->box);
    groups_update_dynamic(s);
    groups_recount(s);
    s->ready = 0;
}

static double kinetic(const md *s, uint64_t want, uint64_t skip, int peculiar, double ktensor[6]);

double md_pressure(md *s, double p[6])
{
    double kt[6];
    kinetic(s, group_bit(GROUP_ALL), 0, 1, kt);
    for (int q = 0; q < 6; q++)
        p[q] = (kt[q] + s->virial[q]) / s->box.volume * MG_NKTV2P;
    return (p[0] + p[1] + p[2]) / 3.0;
}

/* Sum m v_a v_b over owned atoms with a bit of `want` and none of `skip`,
 * over ranks, in eV; returns the kinetic energy. One loop for the system's
 * and a group's, so that `all` with nothing held gives the same bits. */
static double kinetic(const md *s, uint64_t want, uint64_t skip, int peculiar, double ktensor[6])
{
    const atoms *a = &s->atoms;
    double k[6] = {0}, out[6];
    peculiar = peculiar && s->flow;
    for (int i = 0; i < a->nlocal; i++) {
        if (!(a->mask[i] & want) || (a->mask[i] & skip))
            continue;
        double m = atoms_mass(a, i);
        const double *v = a->v[i];
        double vp[3];
        if (peculiar) {
            md_streaming(s, i, vp);
            for (int q = 0; q < 3; q++)
                vp[q] = v[q] - vp[q];
            v = vp;
        }
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

double md_kinetic(const md *s, double ktensor[6]) { return kinetic(s, group_bit(GROUP_ALL), 0, 0, ktensor); }

double md_group_kinetic(const md *s, int g, double ktensor[6]) { return kinetic(s, group_bit(g), s->held, 0, ktensor); }

double md_peculiar_kinetic(const md *s, int g, double ktensor[6])
{
    return kinetic(s, group_bit(g), s->held, 1, ktensor);
}

double md_peculiar_temperature(const md *s)
{
    const double dof = md_dof(s);
    const double ke = md_peculiar_kinetic(s, GROUP_ALL, NULL);
    return dof > 0 ? 2.0 * ke / (dof * MG_BOLTZ) : 0.0;
}

int64_t md_group_mobile(const md *s, int g)
{
    if (g == GROUP_ALL && !s->held)
        return s->atoms.natoms;
    const atoms *a = &s->atoms;
    const uint64_t bit = group_bit(g);
    int64_t n = 0;
    for (int i = 0; i < a->nlocal; i++)
        n += (a->mask[i] & bit) && !(a->mask[i] & s->held);
    return par_sum_i64(n);
}

double md_group_dof(const md *s, int g)
{
    int64_t n = md_group_mobile(s, g);
    double dof = 3.0 * (double)n - 3.0;
    return dof > 0 ? dof : 0.0;
}

double md_dof(const md *s) { return md_group_dof(s, GROUP_ALL); }

double md_total_mass(const md *s)
{
    double m = 0;
    for (int i = 0; i < s->atoms.nlocal; i++)
        m += atoms_mass(&s->atoms, i);
    return par_sum_double(m);
}

/* ---- checkpoint section "decomposition": the grid and its cuts ------------- */

static void save_decomposition(void *ctx, ckpt_state *c)
{
    const decomp *dc = &((md *)ctx)->dc;
    int64_t g[4] = {dc->nranks, dc->grid[0], dc->grid[1], dc->grid[2]};
    ckpt_put_i64(c, "nranks_grid", g, 4);
    for (int d = 0; d < 3; d++) {
        char key[16];
        snprintf(key, sizeof key, "cuts_%c", 'x' + d);
        ckpt_put_doubles(c, key, dc->cuts[d], (size_t)dc->grid[d] + 1);
    }
}

/* On the same number of ranks, the grid and the cuts where the checkpoint
 * had them (a load balancer may have moved them); otherwise the grid and
 * uniform cuts the system was loaded with. */
static int restore_decomposition(void *ctx, ckpt_state *c, char *why, size_t whylen)
{
    md *s = ctx;
    decomp *dc = &s->dc;
    int64_t g[4];
    if (ckpt_get_i64(c, "nranks_grid", g, 4) != 0) {
        snprintf(why, whylen, "the decomposition record is incomplete");
        return -1;
    }
    if (g[0] != dc->nranks)
        return 0;
    /* On as many ranks, the grid the checkpoint had (`balance` may have
     * chosen another than set-up did): the same sub-domains, the same
     * arithmetic. */
    if (g[1] != dc->grid[0] || g[2] != dc->grid[1] || g[3] != dc->grid[2]) {
        int grid[3] = {(int)g[1], (int)g[2], (int)g[3]};
        char err[256];
        if (g[1] < 1 || g[2] < 1 || g[3] < 1 || g[1] > dc->nranks || g[2] > dc->nranks || g[3] > dc->nranks ||
            g[1] * g[2] * g[3] != dc->nranks) {
            snprintf(why, whylen, "the decomposition's grid %lld x %lld x %lld does not multiply to its %lld ranks",
                     (long long)g[1], (long long)g[2], (long long)g[3], (long long)g[0]);
            return -1;
        }
        if (decomp_setup(dc, &s->box, grid, err, sizeof err) != 0) {
            snprintf(why, whylen, "%s", err);
            return -1;
        }
    }
    double *cuts[3];
    int bad = 0;
    for (int d = 0; d < 3; d++) {
        char key[16];
        snprintf(key, sizeof key, "cuts_%c", 'x' + d);
        cuts[d] = mg_malloc((size_t)(dc->grid[d] + 1) * sizeof(double));
        bad |= ckpt_get_doubles(c, key, cuts[d], (size_t)dc->grid[d] + 1) != 0;
    }
    if (!bad)
        bad = decomp_set_cuts(dc, (const double *const *)cuts) != 0;
    for (int d = 0; d < 3; d++)
        free(cuts[d]);
    if (bad) {
        snprintf(why, whylen, "the decomposition's cuts are missing or not increasing from 0 to 1");
        return -1;
    }
    decomp_migrate(dc, &s->atoms, &s->box);
    s->ready = 0;
    return 0;
}

ckpt_section md_decomposition_section(md *s)
{
    ckpt_section sec = {"decomposition", save_decomposition, restore_decomposition, s};
    return sec;
}
