/* The unit table (units.h): each accepted name with its quantity and the
 * factor that takes a value in that unit to metal. Names are matched
 * exactly and case-sensitively ("fs", not "FS") and are unique across
 * quantities, so units_is_any() can tell which quantity a stray word
 * belongs to. names, accepted and base are indexed by enum quantity, and
 * the accepted lists are written by hand: keep all three in step with the
 * enum and the table. nN uses the exact SI charge (1 eV/A = 1.602176634 nN).
 * No communication. */
#include "core/units.h"

#include <math.h>
#include <string.h>

struct unit { enum quantity q; const char *name; double factor; };

/* Factors convert a value in `name` into the metal unit of its quantity. */
static const struct unit table[] = {
    {Q_LENGTH, "A", 1.0},        {Q_LENGTH, "Angstrom", 1.0}, {Q_LENGTH, "nm", 10.0},
    {Q_TIME, "ps", 1.0},         {Q_TIME, "fs", 1e-3},        {Q_TIME, "ns", 1e3},
    {Q_TEMPERATURE, "K", 1.0},
    {Q_PRESSURE, "bar", 1.0},    {Q_PRESSURE, "kbar", 1e3},   {Q_PRESSURE, "Pa", 1e-5},
    {Q_PRESSURE, "MPa", 10.0},   {Q_PRESSURE, "GPa", 1e4},    {Q_PRESSURE, "atm", 1.01325},
    {Q_ENERGY, "eV", 1.0},
    {Q_MASS, "g/mol", 1.0},      {Q_MASS, "amu", 1.0},
    {Q_NUMBER_DENSITY, "A^-3", 1.0}, {Q_NUMBER_DENSITY, "/A^3", 1.0},
    {Q_NUMBER_DENSITY, "nm^-3", 1e-3},
    {Q_MASS_DENSITY, "g/cm^3", 1.0}, {Q_MASS_DENSITY, "kg/m^3", 1e-3},
    {Q_TEMPERATURE_RATE, "K/ps", 1.0}, {Q_TEMPERATURE_RATE, "K/ns", 1e-3},
    {Q_TEMPERATURE_RATE, "K/s", 1e-12}, {Q_TEMPERATURE_RATE, "K/fs", 1e3},
    {Q_FORCE, "eV/A", 1.0},      {Q_FORCE, "eV/Angstrom", 1.0}, {Q_FORCE, "nN", 1.0 / 1.602176634},
    {Q_VELOCITY, "A/ps", 1.0},   {Q_VELOCITY, "Angstrom/ps", 1.0}, {Q_VELOCITY, "m/s", 1e-2},
    {Q_VELOCITY, "A/fs", 1e3},
    {Q_ANGLE, "deg", 1.0},       {Q_ANGLE, "rad", 180.0 / M_PI},
    {Q_ANGULAR_RATE, "deg/ps", 1.0}, {Q_ANGULAR_RATE, "rad/ps", 180.0 / M_PI},
    {Q_ANGULAR_RATE, "deg/ns", 1e-3}, {Q_ANGULAR_RATE, "rad/ns", 180.0 / M_PI * 1e-3},
    {Q_STRAIN_RATE, "1/ps", 1.0},    {Q_STRAIN_RATE, "1/s", 1e-12},  {Q_STRAIN_RATE, "1/ns", 1e-3},
    {Q_STRAIN_RATE, "1/fs", 1e3},
};

static const char *names[Q_NQUANTITY] = {
    "length", "time", "temperature", "pressure", "energy", "mass",
    "number density", "mass density", "temperature rate", "force", "velocity", "angle", "angular rate",
    "strain rate",
};

static const char *accepted[Q_NQUANTITY] = {
    "A, Angstrom, nm", "fs, ps, ns", "K", "bar, kbar, Pa, MPa, GPa, atm", "eV",
    "g/mol, amu", "A^-3, /A^3, nm^-3", "g/cm^3, kg/m^3", "K/ps, K/ns, K/s, K/fs", "eV/A, eV/Angstrom, nN",
    "A/ps, Angstrom/ps, m/s, A/fs", "deg, rad", "deg/ps, rad/ps, deg/ns, rad/ns",
    "1/ps, 1/s, 1/ns, 1/fs",
};

const char *units_base(enum quantity q)
{
    static const char *base[Q_NQUANTITY] = {"A", "ps", "K", "bar", "eV", "g/mol", "A^-3", "g/cm^3", "K/ps",
                                            "eV/A", "A/ps", "deg", "deg/ps", "1/ps"};
    return base[q];
}

const char *units_accepted(enum quantity q) { return accepted[q]; }
const char *units_quantity_name(enum quantity q) { return names[q]; }

int units_factor(enum quantity q, const char *unit, double *factor)
{
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if (table[i].q == q && strcmp(table[i].name, unit) == 0) {
            *factor = table[i].factor;
            return 1;
        }
    return 0;
}

int units_is_any(const char *word, enum quantity *which)
{
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if (strcmp(table[i].name, word) == 0) {
            if (which)
                *which = table[i].q;
            return 1;
        }
    return 0;
}

size_t units_match(const char *text, enum quantity *which, double *factor)
{
    size_t best = 0;
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        size_t n = strlen(table[i].name);
        if (n <= best || strncmp(text, table[i].name, n) != 0)
            continue;
        char c = text[n];
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')
            continue;
        best = n;
        *which = table[i].q;
        *factor = table[i].factor;
    }
    return best;
}

/* Ranges (metal units). Temperatures, masses and densities are positive
 * quantities; the rest are signed (a tensile pressure, a displacement
 * down, a rotation backwards). */
static const double range[Q_NQUANTITY][2] = {
    [Q_LENGTH] = {-1e7, 1e7},             /* 1 mm                         */
    [Q_TIME] = {-1e9, 1e9},               /* 1 ms                         */
    [Q_TEMPERATURE] = {0.0, 1e6},
    [Q_PRESSURE] = {-1e8, 1e8},           /* 10 TPa                       */
    [Q_ENERGY] = {-1e6, 1e6},
    [Q_MASS] = {0.0, 1e4},
    [Q_NUMBER_DENSITY] = {0.0, 10.0},
    [Q_MASS_DENSITY] = {0.0, 100.0},
    [Q_TEMPERATURE_RATE] = {-1e6, 1e6},   /* 1e18 K/s                     */
    [Q_FORCE] = {-1e4, 1e4},
    [Q_VELOCITY] = {-1e5, 1e5},           /* 1e7 m/s                      */
    [Q_ANGLE] = {-1e6, 1e6},
    [Q_ANGULAR_RATE] = {-1e6, 1e6},
    [Q_STRAIN_RATE] = {-10.0, 10.0},      /* 1e13 /s                      */
};

void units_range(enum quantity q, double *lo, double *hi)
{
    *lo = range[q][0];
    *hi = range[q][1];
}
