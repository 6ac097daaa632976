/* Chemical elements: symbols and standard atomic weights (IUPAC 2021
 * abridged values, g/mol), used for default masses of built systems and to
 * validate element names. A potential file's own masses replace these. */
#ifndef MGMD_ELEMENTS_H
#define MGMD_ELEMENTS_H

/* Atomic number of a symbol ("Cu" -> 29), or 0 if unknown. */
int element_number(const char *symbol);
const char *element_symbol(int z);
double element_mass(int z);

#endif
