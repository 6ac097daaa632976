/* One Nose-Hoover chain half step (Martyna, Klein & Tuckerman, J. Chem.
 * Phys. 97, 2635 (1992)), Trotter-split as Martyna, Tuckerman, Tobias &
 * Klein, Mol. Phys. 87, 1117 (1996): the chain thermostat of the particles
 * and of the barostat's strain rates alike. Pure arithmetic, no
 * communication. */
#ifndef MGMD_NH_CHAIN_H
#define MGMD_NH_CHAIN_H

#define NH_MAX_CHAIN 10

/* Half a time step (dt/2) of a chain of length M with masses Q acting on
 * momenta whose sum p^2/m is ke2 (eV) and whose target is ndof kT =
 * target0: from the top of the chain down, the scaling, and back up.
 * Returns the factor by which the caller must scale the momenta. */
double nh_chain_half(int M, const double *Q, double *eta, double *eta_dot, double ke2, double target0, double kt,
                     double dt);

#endif
