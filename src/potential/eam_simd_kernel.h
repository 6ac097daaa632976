/* One width of eam_simd.c's pair loops: included once per instruction set
 * after VW (lanes), vd/vi (double and int32 vectors), the V and I
 * operations, FN(name) and three per-set helpers are defined:
 *   FN(load_rec)(rec, j[VW], &x, &y, &z, &w)  lanes' 4-double atom records
 *   FN(load_cols)(table, width, row[VW], c)   8 consecutive doubles of each
 *                                             lane's row, as 8 column vectors
 *   FN(cut_of)(cutsq_i, ntypes, t)            cutsq_i[t] lane by lane
 *   FN(pack)(keep, ...)                       store the kept lanes in order
 * Every macro is undefined at the end; no include guard on purpose. The
 * expressions mirror eam.c's scalar density_range and pair_forces term by
 * term (see eam_simd.c). */

/* Lane values from p[0..nv), spare lanes repeating p[0] (a valid pair of
 * the same range, so every load stays in bounds and every value finite). */
static inline void FN(fill_idx)(const int *p, int nv, int t[VW])
{
    for (int l = 0; l < VW; l++)
        t[l] = p[l < nv ? l : 0];
}

static inline vd FN(load_d)(const double *p, int nv)
{
    if (nv == VW)
        return VLOADU(p);
    double t[VW];
    for (int l = 0; l < VW; l++)
        t[l] = p[l < nv ? l : 0];
    return VLOADU(t);
}

/* EAM_LOCATE lane by lane: the fraction, and m - 1 (the interval). */
static inline vi FN(locate)(vd r, double rdr, int nr, vd *pp)
{
    vd p = VADD(VMUL(r, VSET1(rdr)), VSET1(1.0));
    vi m = IMIN(VCVTT(p), ISET1(nr - 1));
    p = VSUB(p, VCVT(m));
    *pp = VMIN(p, VSET1(1.0));
    return ISUB(m, ISET1(1));
}

static inline vd FN(cubic)(vd a, vd b, vd c, vd d, vd pp)
{
    return VADD(VMUL(VADD(VMUL(VADD(VMUL(a, pp), b), pp), c), pp), d);
}

static inline vd FN(quadratic)(vd a, vd b, vd c, vd pp)
{
    return VADD(VMUL(VADD(VMUL(a, pp), b), pp), c);
}

/* Pass 1: rec = eam's packed {x, y, z, type} of every atom; the accepted
 * pairs' table rows ((tj-1) nr + m) go to rows[] for pass 2. */
static inline __attribute__((always_inline)) int
FN(density_range)(const eam *p, const atoms *a, int i, const int *jl, int n, const double *cutsq_i,
                  const double *row1, const int owned, double *rhoi, int *out, double *rsqmin)
{
    const double(*rec)[4] = (const double(*)[4])p->rec;
    const vd xi = VSET1(rec[i][0]), yi = VSET1(rec[i][1]), zi = VSET1(rec[i][2]);
    double *srsq = p->scratch, *stype = p->scratch + p->scap, *sval = p->scratch + 2 * p->scap;
    int *rows = p->pair_row + (out - p->pair_j);
    int nout = 0;
    /* Distances and the cutoff test; the accepted pairs are packed into
     * out[], srsq[], stype[] (never ahead of the candidates read). */
    for (int k = 0; k < n; k += VW) {
        int nv = n - k < VW ? n - k : VW, jj[VW];
        FN(fill_idx)(jl + k, nv, jj);
        vd x, y, z, t;
        FN(load_rec)(rec, jj, &x, &y, &z, &t);
        vd dx = VSUB(xi, x), dy = VSUB(yi, y), dz = VSUB(zi, z);
        vd rsq = VADD(VADD(VMUL(dx, dx), VMUL(dy, dy)), VMUL(dz, dz));
        unsigned keep = VLTMASK(rsq, FN(cut_of)(cutsq_i, p->ntypes, t)) & ((1u << nv) - 1u);
        nout = FN(pack)(keep, jj, rsq, t, out, srsq, stype, nout);
    }
    double mn = *rsqmin;
    for (int k = 0; k < nout; k++)
        mn = srsq[k] < mn ? srsq[k] : mn;
    *rsqmin = mn;
    vd acc = VZERO();
    const int nr = p->nr;
    for (int k = 0; k < nout; k += VW) {
        int nv = nout - k < VW ? nout - k : VW, rr[VW];
        vd pp;
        vi m = FN(locate)(VSQRT(FN(load_d)(srsq + k, nv)), p->rdr, nr, &pp);
        vi tj = VCVTT(FN(load_d)(stype + k, nv));
        vi row = IADD(IMUL(ISUB(tj, ISET1(1)), ISET1(nr)), m);
        ISTOREU(rr, row);
        for (int l = 0; l < nv; l++)
            rows[k + l] = rr[l];
        vd c[8];
        FN(load_cols)(row1, 8, rr, c);
        acc = VADD(acc, VKEEP(FN(cubic)(c[0], c[1], c[2], c[3], pp), nv));
        if (owned)
            VSTOREU(sval + k, FN(cubic)(c[4], c[5], c[6], c[7], pp));
    }
    if (owned)
        for (int k = 0; k < nout; k++)
            p->rho[out[k]] += sval[k];
    *rhoi += VHSUM(acc);
    return nout;
}

/* Pass 2: rec = eam's packed {x, y, z, F'} of every atom; rows[] from
 * pass 1. */
static inline __attribute__((always_inline)) void
FN(pair_forces)(const eam *p, atoms *a, int i, const int *jl, int n, const double *row2, const int owned,
                const int eflag, const int vpair, double *energy, double *vir, double fsum[3])
{
    const double(*rec)[4] = (const double(*)[4])p->rec;
    const int *rows = p->pair_row + (jl - p->pair_j);
    const vd xi = VSET1(rec[i][0]), yi = VSET1(rec[i][1]), zi = VSET1(rec[i][2]);
    const vd fpi = VSET1(rec[i][3]), one = VSET1(1.0);
    double *sfx = p->scratch, *sfy = p->scratch + p->scap, *sfz = p->scratch + 2 * p->scap;
    vd fxi = VZERO(), fyi = VZERO(), fzi = VZERO(), e = VZERO();
    vd v0 = VZERO(), v1 = VZERO(), v2 = VZERO(), v3 = VZERO(), v4 = VZERO(), v5 = VZERO();
    for (int k = 0; k < n; k += VW) {
        int nv = n - k < VW ? n - k : VW, jj[VW], rr[VW];
        FN(fill_idx)(jl + k, nv, jj);
        FN(fill_idx)(rows + k, nv, rr);
        vd x, y, z, fpj;
        FN(load_rec)(rec, jj, &x, &y, &z, &fpj);
        vd dx = VSUB(xi, x), dy = VSUB(yi, y), dz = VSUB(zi, z);
        vd rsq = VADD(VADD(VMUL(dx, dx), VMUL(dy, dy)), VMUL(dz, dz));
        vd r = VSQRT(rsq), pp;
        (void)FN(locate)(r, p->rdr, p->nr, &pp);
        vd c[16];
        FN(load_cols)(row2, 16, rr, c);
        FN(load_cols)(row2 + 8, 16, rr, c + 8);
        vd rhojp = FN(quadratic)(c[0], c[1], c[2], pp);
        vd rhoip = FN(quadratic)(c[3], c[4], c[5], pp);
        vd z2p = FN(quadratic)(c[6], c[7], c[8], pp);
        vd z2 = FN(cubic)(c[9], c[10], c[11], c[12], pp);
        vd recip = VDIV(one, r);
        vd phi = VMUL(z2, recip);
        vd phip = VSUB(VMUL(z2p, recip), VMUL(phi, recip));
        vd psip = VADD(VADD(VMUL(fpi, rhojp), VMUL(fpj, rhoip)), phip);
        vd fpair = VMUL(VNEG(psip), recip);
        vd fx = VKEEP(VMUL(dx, fpair), nv), fy = VKEEP(VMUL(dy, fpair), nv), fz = VKEEP(VMUL(dz, fpair), nv);
        fxi = VADD(fxi, fx);
        fyi = VADD(fyi, fy);
        fzi = VADD(fzi, fz);
        if (owned) {
            VSTOREU(sfx + k, fx);
            VSTOREU(sfy + k, fy);
            VSTOREU(sfz + k, fz);
        }
        if (eflag)
            e = VADD(e, VKEEP(phi, nv));
        if (eflag && vpair) {
            v0 = VADD(v0, VMUL(dx, fx));
            v1 = VADD(v1, VMUL(dy, fy));
            v2 = VADD(v2, VMUL(dz, fz));
            v3 = VADD(v3, VMUL(dx, fy));
            v4 = VADD(v4, VMUL(dx, fz));
            v5 = VADD(v5, VMUL(dy, fz));
        }
    }
    if (owned)
        for (int k = 0; k < n; k++) {
            int jn = jl[k];
            a->f[jn][0] -= sfx[k];
            a->f[jn][1] -= sfy[k];
            a->f[jn][2] -= sfz[k];
        }
    double sx = VHSUM(fxi), sy = VHSUM(fyi), sz = VHSUM(fzi);
    a->f[i][0] += sx;
    a->f[i][1] += sy;
    a->f[i][2] += sz;
    fsum[0] = sx;
    fsum[1] = sy;
    fsum[2] = sz;
    const double w = owned ? 1.0 : 0.5;
    if (eflag)
        *energy += w * VHSUM(e);
    if (eflag && vpair) {
        vir[0] += w * VHSUM(v0); vir[1] += w * VHSUM(v1); vir[2] += w * VHSUM(v2);
        vir[3] += w * VHSUM(v3); vir[4] += w * VHSUM(v4); vir[5] += w * VHSUM(v5);
    }
}

static int FN(density_ghost)(const eam *p, const atoms *a, int i, const int *jl, int n, const double *cutsq_i,
                             const double *row1, double *rhoi, int *out, double *rsqmin)
{
    return FN(density_range)(p, a, i, jl, n, cutsq_i, row1, 0, rhoi, out, rsqmin);
}
static int FN(density_owned)(const eam *p, const atoms *a, int i, const int *jl, int n, const double *cutsq_i,
                             const double *row1, double *rhoi, int *out, double *rsqmin)
{
    return FN(density_range)(p, a, i, jl, n, cutsq_i, row1, 1, rhoi, out, rsqmin);
}
static void FN(pairs_ghost)(const eam *p, atoms *a, int i, const int *jl, int n, const double *row2, double *e,
                            double *vir, double fsum[3])
{
    FN(pair_forces)(p, a, i, jl, n, row2, 0, 0, 0, e, vir, fsum);
}
static void FN(pairs_ghost_e)(const eam *p, atoms *a, int i, const int *jl, int n, const double *row2, double *e,
                              double *vir, double fsum[3])
{
    FN(pair_forces)(p, a, i, jl, n, row2, 0, 1, 1, e, vir, fsum);
}
static void FN(pairs_owned)(const eam *p, atoms *a, int i, const int *jl, int n, const double *row2, double *e,
                            double *vir, double fsum[3])
{
    FN(pair_forces)(p, a, i, jl, n, row2, 1, 0, 0, e, vir, fsum);
}
static void FN(pairs_owned_e)(const eam *p, atoms *a, int i, const int *jl, int n, const double *row2, double *e,
                              double *vir, double fsum[3])
{
    FN(pair_forces)(p, a, i, jl, n, row2, 1, 1, 0, e, vir, fsum);
}

#undef VW
#undef FN
#undef VSET1
#undef VZERO
#undef VADD
#undef VSUB
#undef VMUL
#undef VDIV
#undef VSQRT
#undef VMIN
#undef VNEG
#undef VLOADU
#undef VSTOREU
#undef ISTOREU
#undef ISET1
#undef IADD
#undef ISUB
#undef IMUL
#undef IMIN
#undef VCVTT
#undef VCVT
#undef VLTMASK
#undef VKEEP
#undef VHSUM
