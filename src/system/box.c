/* Box geometry (box.h). H is upper triangular, so H^-1 and the lamda
 * transforms are written out in closed form; box_update never clears
 * `triclinic` (a box once tilted stays triclinic at zero tilts).
 * box_remap wraps z, then y, then x (a shift along c moves x and y too) by
 * whole edge vectors, not through lamda, so orthogonal positions stay
 * bitwise stable, then folds back once if round-off leaves l at 1 or below
 * 0; non-periodic dimensions are left alone. Tilt limits allow 1e-9
 * relative over half the length. No communication. */
#include "system/box.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

void box_update(box *b)
{
    for (int d = 0; d < 3; d++) {
        b->len[d] = b->hi[d] - b->lo[d];
        b->periodic[d] = b->boundary[d] == 'p';
    }
    b->triclinic = b->triclinic || b->xy != 0.0 || b->xz != 0.0 || b->yz != 0.0;
    memset(b->h, 0, sizeof b->h);
    b->h[0][0] = b->len[0];
    b->h[1][1] = b->len[1];
    b->h[2][2] = b->len[2];
    b->h[0][1] = b->xy;
    b->h[0][2] = b->xz;
    b->h[1][2] = b->yz;
    /* Inverse of an upper-triangular matrix. */
    double lx = b->len[0], ly = b->len[1], lz = b->len[2];
    memset(b->hinv, 0, sizeof b->hinv);
    b->hinv[0][0] = 1.0 / lx;
    b->hinv[1][1] = 1.0 / ly;
    b->hinv[2][2] = 1.0 / lz;
    b->hinv[0][1] = -b->xy / (lx * ly);
    b->hinv[1][2] = -b->yz / (ly * lz);
    b->hinv[0][2] = (b->xy * b->yz - ly * b->xz) / (lx * ly * lz);
    b->volume = lx * ly * lz;
}

void box_to_lamda(const box *b, const double x[3], double l[3])
{
    double dx = x[0] - b->lo[0], dy = x[1] - b->lo[1], dz = x[2] - b->lo[2];
    l[0] = b->hinv[0][0] * dx + b->hinv[0][1] * dy + b->hinv[0][2] * dz;
    l[1] = b->hinv[1][1] * dy + b->hinv[1][2] * dz;
    l[2] = b->hinv[2][2] * dz;
}

void box_min_image(const box *b, const double v[3], double out[3])
{
    double l[3];
    for (int r = 0; r < 3; r++)
        l[r] = b->hinv[r][0] * v[0] + b->hinv[r][1] * v[1] + b->hinv[r][2] * v[2];
    for (int r = 0; r < 3; r++)
        if (b->periodic[r])
            l[r] -= nearbyint(l[r]);
    for (int r = 0; r < 3; r++)
        out[r] = b->h[r][0] * l[0] + b->h[r][1] * l[1] + b->h[r][2] * l[2];
}

void box_from_lamda(const box *b, const double l[3], double x[3])
{
    x[0] = b->h[0][0] * l[0] + b->h[0][1] * l[1] + b->h[0][2] * l[2] + b->lo[0];
    x[1] = b->h[1][1] * l[1] + b->h[1][2] * l[2] + b->lo[1];
    x[2] = b->h[2][2] * l[2] + b->lo[2];
}

void box_face_distances(const box *b, double d[3])
{
    /* The planes l_k = const are 1/|row k of H^-1| apart. */
    for (int k = 0; k < 3; k++) {
        double s = 0.0;
        for (int j = 0; j < 3; j++)
            s += b->hinv[k][j] * b->hinv[k][j];
        d[k] = 1.0 / sqrt(s);
    }
}

void box_remap(const box *b, double x[3], int image[3])
{
    /* z first: a shift along c moves x and y too. Shifting by the edge
     * vector (not through lamda) keeps positions bitwise stable in
     * orthogonal boxes. */
    for (int d = 2; d >= 0; d--) {
        if (!b->periodic[d])
            continue;
        double l[3];
        box_to_lamda(b, x, l);
        if (l[d] >= 0.0 && l[d] < 1.0)
            continue;
        double n = floor(l[d]);
        for (int k = 0; k < 3; k++)
            x[k] -= n * b->h[k][d];
        image[d] += (int)n;
        /* Round-off can leave l just at 1.0; fold it back. */
        box_to_lamda(b, x, l);
        if (l[d] >= 1.0) {
            for (int k = 0; k < 3; k++)
                x[k] -= b->h[k][d];
            image[d] += 1;
        } else if (l[d] < 0.0) {
            for (int k = 0; k < 3; k++)
                x[k] += b->h[k][d];
            image[d] -= 1;
        }
    }
}

void box_unwrap(const box *b, const double x[3], const int image[3], double out[3])
{
    for (int k = 0; k < 3; k++)
        out[k] = x[k] + b->h[k][0] * image[0] + b->h[k][1] * image[1] + b->h[k][2] * image[2];
}

void box_rewrap(const box *b, const double xu[3], const int image[3], double out[3])
{
    for (int k = 0; k < 3; k++)
        out[k] = xu[k] - (b->h[k][0] * image[0] + b->h[k][1] * image[1] + b->h[k][2] * image[2]);
}

int box_needs_flip(const box *b)
{
    const double lx = b->len[0], ly = b->len[1];
    return b->triclinic && (fabs(b->yz) > 0.5 * ly || fabs(b->xz) > 0.5 * lx || fabs(b->xy) > 0.5 * lx);
}

int box_flip(box *b)
{
    const double lx = b->len[0], ly = b->len[1];
    if (!box_needs_flip(b))
        return 0;
    const double xy0 = b->xy, xz0 = b->xz, yz0 = b->yz;
    if (fabs(b->yz) > 0.5 * ly) {
        double k = nearbyint(b->yz / ly);
        b->yz -= k * ly;
        b->xz -= k * b->xy;
    }
    if (fabs(b->xz) > 0.5 * lx)
        b->xz -= nearbyint(b->xz / lx) * lx;
    if (fabs(b->xy) > 0.5 * lx)
        b->xy -= nearbyint(b->xy / lx) * lx;
    b->tilt_flipped[0] += xy0 - b->xy;
    b->tilt_flipped[1] += xz0 - b->xz;
    b->tilt_flipped[2] += yz0 - b->yz;
    box_update(b);
    return 1;
}

int box_check_tilts(const box *b, char *err, int errlen)
{
    const double eps = 1e-9;
    if (fabs(b->xy) > 0.5 * b->len[0] * (1 + eps) || fabs(b->xz) > 0.5 * b->len[0] * (1 + eps) ||
        fabs(b->yz) > 0.5 * b->len[1] * (1 + eps)) {
        snprintf(err, (size_t)errlen,
                 "box tilts xy %g xz %g yz %g A exceed half the box length they tilt along "
                 "(lx %g, ly %g A); the cell is too skewed",
                 b->xy, b->xz, b->yz, b->len[0], b->len[1]);
        return -1;
    }
    return 0;
}
