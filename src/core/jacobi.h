/* Eigenvalues and eigenvectors of a small symmetric matrix by cyclic
 * Jacobi rotations (Golub & Van Loan, Matrix Computations, 8.5): robust
 * and accurate to round-off for the 3x3 strain tensors and 6x6 elastic
 * matrices the analyses diagonalise. No communication. */
#ifndef MGMD_JACOBI_H
#define MGMD_JACOBI_H

#define JACOBI_MAX_N 8

/* m: n x n row-major, symmetric (n <= JACOBI_MAX_N). val: the eigenvalues
 * in ascending order; vec (may be NULL): n x n row-major, column k the
 * unit eigenvector of val[k]. A NaN entry gives NaN eigenvalues. */
void jacobi_eigen(int n, const double *m, double *val, double *vec);

#endif
