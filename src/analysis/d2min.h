/* Non-affine displacement and atomic strain of one atom (Falk & Langer,
 * PRE 57, 7192 (1998); Shimizu, Ogata & Li, Mater. Trans. 48, 2923 (2007)).
 *
 * From the separations d0_k (reference) and d_k (current) of an atom's n
 * reference neighbours:
 *     V = sum d0 d0^T,  W = sum d d0^T,  J = W V^-1      (d ~ J d0)
 *     D2min = sum |d - J d0|^2                  (A^2, OVITO's convention;
 *                                                 LAMMPS divides by n)
 *     E = (J^T J - I) / 2                       (Green-Lagrange strain)
 *     eta = sqrt(Exy^2 + Exz^2 + Eyz^2 + [(Exx-Eyy)^2 + (Exx-Ezz)^2
 *                + (Eyy-Ezz)^2] / 6)            (von Mises shear strain)
 *     vol = (Exx + Eyy + Ezz) / 3               (volumetric strain)
 * An atom is invalid (all results zero, J the identity) with fewer than
 * three neighbours or a singular V: det V below 1e-12 (tr V / 3)^3, a
 * threshold that does not depend on the length unit (neighbours nearly in
 * one plane). Pure arithmetic, no communication. */
#ifndef MGMD_D2MIN_H
#define MGMD_D2MIN_H

typedef struct d2min_result {
    double J[3][3];     /* local deformation gradient, d ~ J d0          */
    double d2min;       /* A^2, summed over neighbours (not divided)     */
    double E[6];        /* Green-Lagrange strain xx yy zz xy xz yz       */
    double shear;       /* von Mises shear strain eta                    */
    double vol;         /* volumetric strain tr(E)/3                     */
    int valid;
} d2min_result;

/* Fills r from n pairs of separations (A). Returns r->valid. */
int d2min_atom(int n, const double (*d0)[3], const double (*d)[3], d2min_result *r);

/* The strain invariants of a Green-Lagrange tensor (xx yy zz xy xz yz). */
double d2min_shear_strain(const double E[6]);
double d2min_volumetric_strain(const double E[6]);

#endif
