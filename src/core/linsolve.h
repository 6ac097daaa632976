/* Small dense linear systems A x = b by Gaussian elimination with partial
 * pivoting (Golub & Van Loan, Matrix Computations, 3.4): the normal
 * equations of the least-squares fits the analyses make per event or per
 * cycle (a handful of unknowns). No communication. */
#ifndef MGMD_LINSOLVE_H
#define MGMD_LINSOLVE_H

#define LINSOLVE_MAX_N 16

/* A: n x n row-major (n <= LINSOLVE_MAX_N), b: n. Returns 1 and x, or 0
 * (x untouched) when A is singular: a pivot not above tol times the
 * largest |entry| of A (tol 0: only an exact zero). */
int linsolve_tol(int n, const double *A, const double *b, double *x, double tol);
/* linsolve_tol with tol 1e-10: singular to round-off (normal equations of
 * a few unknowns). */
int linsolve(int n, const double *A, const double *b, double *x);

#endif
