/* Commands as a LAMMPS user types them, and what mgmd calls them: the
 * message an unknown command (or a known one written LAMMPS' way) gets,
 * naming the mgmd equivalent and the "Coming from LAMMPS" section of
 * docs/deck-reference.md. Pure text; called by the dispatcher (deck.c)
 * before every command. */
#include "core/units.h"
#include "deck/deck.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#define SEE "; see \"Coming from LAMMPS\" in docs/deck-reference.md"

/* LAMMPS commands mgmd has no command of that name for. */
static const struct {
    const char *lammps;
    const char *mgmd;
} renamed[] = {
    {"pair_style", "the potential is one command: 'potential eam/fs FILE El1 El2 ...' (also eam, eam/alloy)"},
    {"pair_coeff", "the potential is one command: 'potential eam/fs FILE El1 El2 ...' (also eam, eam/alloy)"},
    {"thermo_style", "the columns are part of thermo: 'thermo every N [file PATH] columns step temp pe pxy v_NAME "
                     "temp_G ...' (thermo keywords, equal variables v_NAME, group quantities count_G temp_G ke_G "
                     "pe_G; NAME[UNIT] converts, e.g. pxy[GPa]); the default set is step time temp pe ke etotal "
                     "press pxx..pyz vol density econserve enthalpy"},
    {"thermo_modify", "thermo is set by 'thermo every N [file PATH] [groups G ...] [columns C ...]'; formats are "
                      "fixed (%.17g in the CSV)"},
    {"label", "mgmd's decks loop with 'for NAME in VALUES ... end' (or 'for NAME from A to B [step C] ... end') "
              "and branch with 'if FORMULA then ... elif ... else ... end', which cover what label/jump do"},
    {"jump", "mgmd's decks loop with 'for NAME in VALUES ... end' (or 'for NAME from A to B [step C] ... end') "
             "and branch with 'if FORMULA then ... elif ... else ... end'; 'include FILE' runs another file (a "
             "jump to a file and back)"},
    {"compute", "mgmd has no computes: per-atom energy and stress are dump columns (pe, sxx..syz), group "
                "temperatures thermo columns ('thermo groups G'), structure analyses observers (voronoi, rdf)"},
    {"neigh_modify", "use 'neighbor skin D A every N delay N check yes|no'"},
    {"atom_style", "mgmd's atoms are atomic (id type x y z); data files are LAMMPS 'atomic'"},
    {"atom_modify", "spatial sorting is 'sort yes|no' (at every rebuild)"},
    {"lattice", "the lattice is part of 'create_lattice STYLE A cells NX NY NZ types El' or 'create_alloy ...'"},
    {"create_box", "'create_lattice' and 'create_alloy' make the box and the atoms"},
    {"create_atoms", "'create_lattice' and 'create_alloy' make the box and the atoms"},
    {"read_restart", "continue a run with 'mgmd -restart PREFIX deck' (or 'restart PREFIX'); start a new deck "
                     "from a checkpoint with 'read_checkpoint FILE'"},
    {"write_restart", "use 'write_checkpoint [FILE]' (or 'checkpoint every N file PREFIX')"},
    {"min_style", "the style is the first word of 'minimize cg|fire etol E ftol F ...'"},
    {"min_modify", "minimiser settings are keywords of 'minimize' (dmax, vmax, maxiter, maxeval)"},
    {"run_style", "mgmd runs velocity Verlet only"},
    {"newton", "use 'neighbor newton yes|no' (LAMMPS' newton on|off for pair forces; yes is the default)"},
    {"comm_modify", "the ghost shell follows the neighbour cutoff; no setting is needed"},
    {"write_dump", "use 'dump NAME every N file PATH columns ...' then 'run 0', or 'write_data FILE'"},
    {"log", "mgmd writes its log to standard output; the thermo table goes to 'thermo ... file PATH'"},
    {"fix", "mgmd has no generic fix command; each fix is a command of its own: thermostats and barostat "
            "'ensemble nvt|langevin|npt ... [group G]', and 'freeze', 'setforce', 'addforce', 'move' "
            "(each 'NAME ... group G'), 'torsion', 'deform'; 'unfix NAME' removes one"},
};

static int is_number(const char *w)
{
    if (!w)
        return 0;
    w += *w == '-' || *w == '+';
    return isdigit((unsigned char)w[0]) || (w[0] == '.' && isdigit((unsigned char)w[1]));
}

/* LAMMPS fix styles the `fix` message can name precisely. */
static const char *fix_style(const char *style)
{
    static const struct { const char *style, *mgmd; } fx[] = {
        {"nve", "'ensemble nve'"},
        {"nvt", "'ensemble nvt temp T0 [T1] tdamp TAU [group G]'"},
        {"langevin", "'ensemble langevin temp T0 [T1] damp TAU seed S [group G]' (integrates as well)"},
        {"npt", "'ensemble npt temp T0 [T1] tdamp TAU press P0 [P1] pdamp TAUP [couple iso|aniso|tri]', or a "
                "target per component as LAMMPS' x y z xy ...: 'ensemble npt ... yy 0 bar zz 0 bar pdamp TAUP'"},
        {"nvt/sllod", "'ensemble nvt temp T0 [T1] tdamp TAU sllod yes' with 'deform NAME xy erate R 1/s remap v'"},
        {"nph", "'ensemble npt' (mgmd's barostat always comes with its thermostat)"},
        {"setforce", "'setforce NAME FX FY FZ group G' (NULL leaves a component)"},
        {"addforce", "'addforce NAME FX FY FZ group G'"},
        {"move", "'move NAME linear VX VY VZ group G' or 'move NAME rotate PX PY PZ AX AY AZ period P group G' (to "
                 "twist a wire with the torque measured: 'torsion NAME top G1 bottom G2 rate W deg/ps')"},
        {"box/relax", "'minimize ... box iso|aniso|tri P'"},
        {"balance", "'rebalance NAME every N [by atoms|time] [dims D] [threshold T]' (shifted planar cuts, as "
                    "LAMMPS' shift style)"},
        {"deform", "'deform NAME COMPONENT erate|trate|vel|final|schedule VALUE ... [remap x|v|none] [flip yes|no]', "
                   "e.g. 'deform sh xy erate 1e9 1/s' (LAMMPS' erate 0.001 is per ps: mgmd asks for the unit)"},
    };
    for (size_t k = 0; k < sizeof fx / sizeof fx[0]; k++)
        if (!strcmp(fx[k].style, style))
            return fx[k].mgmd;
    return NULL;
}

const char *deck_lammps_habit(const deck *dk, char *out, int len)
{
    const char *c = dk->args[0], *a1 = dk->nargs > 1 ? dk->args[1] : NULL;
    /* Known commands written LAMMPS' way. */
    if (!strcmp(c, "thermo") && is_number(a1)) {
        snprintf(out, (size_t)len, "thermo: mgmd writes 'thermo every %s' (LAMMPS' 'thermo N')" SEE, a1);
        return out;
    }
    if (!strcmp(c, "balance") && is_number(a1)) {
        snprintf(out, (size_t)len, "balance: mgmd writes 'balance [threshold %s] [dims xyz] [by atoms|time] "
                 "[grid auto|keep]' (LAMMPS' 'balance THRESH shift|rcb ...'; mgmd's cuts go to the quantiles "
                 "directly, no iterations or style to give)" SEE, a1);
        return out;
    }
    if (!strcmp(c, "neighbor") && is_number(a1)) {
        snprintf(out, (size_t)len, "neighbor: mgmd writes 'neighbor skin %s A' (LAMMPS' 'neighbor SKIN bin'; mgmd "
                 "always bins)" SEE, a1);
        return out;
    }
    if (!strcmp(c, "velocity") && a1 && strcmp(a1, "create") && strcmp(a1, "set") && strcmp(a1, "scale") &&
        strcmp(a1, "zero") && dk->nargs > 2) {
        snprintf(out, (size_t)len, "velocity: in mgmd the group comes last: 'velocity %s ... group %s' (LAMMPS' "
                 "'velocity %s %s ...'), e.g. 'velocity create 300 K seed 4928 group %s'" SEE,
                 dk->args[2], a1, a1, dk->args[2], a1);
        return out;
    }
    /* LAMMPS' fix nvt/npt argument order: temp TSTART TSTOP TDAMP (and
     * press PSTART PSTOP PDAMP), damping as a third number. */
    if (!strcmp(c, "ensemble")) {
        for (int k = 1; k + 3 < dk->nargs; k++) {
            const char *kw = dk->args[k];
            if (strcmp(kw, "temp") && strcmp(kw, "press"))
                continue;
            /* Three numbers in a row, each perhaps with its unit word. */
            const char *num[3];
            int n = 0;
            for (int j = k + 1; j < dk->nargs && n < 3 && is_number(dk->args[j]); j++) {
                num[n++] = dk->args[j];
                enum quantity q;
                if (j + 1 < dk->nargs && units_is_any(dk->args[j + 1], &q))
                    j++;
            }
            if (n == 3) {
                int t = kw[0] == 't';
                snprintf(out, (size_t)len, "ensemble: mgmd names the damping time: '%s %s %s %s %s %s %s ps' "
                         "(LAMMPS' '%s START STOP DAMP'); the units may be left out (K, bar, ps)" SEE, kw, num[0],
                         t ? "K" : "bar", num[1], t ? "K" : "bar", t ? "tdamp" : "pdamp", num[2], kw);
                return out;
            }
        }
    }
    if (!strcmp(c, "minimize") && is_number(a1)) {
        snprintf(out, (size_t)len, "minimize: mgmd names its tolerances: 'minimize cg etol %s ftol %s maxiter %s "
                 "maxeval %s' (LAMMPS' 'minimize etol ftol maxiter maxeval')" SEE, a1,
                 dk->nargs > 2 ? dk->args[2] : "F", dk->nargs > 3 ? dk->args[3] : "N", dk->nargs > 4 ? dk->args[4] : "N");
        return out;
    }
    if (!strcmp(c, "restart") && is_number(a1)) {
        snprintf(out, (size_t)len, "restart: mgmd writes checkpoints with 'checkpoint every %s file PREFIX' "
                 "(LAMMPS' 'restart N FILE'); 'restart PREFIX' continues from one" SEE, a1);
        return out;
    }
    static const char *dump_kw = " every file precision format columns group ";
    char w2[80] = "";
    if (dk->nargs > 2)
        snprintf(w2, sizeof w2, " %.60s ", dk->args[2]);
    if (!strcmp(c, "dump") && dk->nargs > 5 && is_number(dk->args[4]) && !strstr(dump_kw, w2)) {
        snprintf(out, (size_t)len, "dump: mgmd writes 'dump NAME every N file PATH [columns id type x y z ...] "
                 "[group G] [format lammps|xyz|h5md]' (LAMMPS' 'dump ID group style N file ...')" SEE);
        return out;
    }
    if (deck_find_command(c))
        return NULL;
    if (!strcmp(c, "fix") && dk->nargs > 3 && fix_style(dk->args[3])) {
        snprintf(out, (size_t)len, "unknown command 'fix': for LAMMPS' fix %s use %s" SEE, dk->args[3],
                 fix_style(dk->args[3]));
        return out;
    }
    for (size_t k = 0; k < sizeof renamed / sizeof renamed[0]; k++)
        if (!strcmp(renamed[k].lammps, c)) {
            snprintf(out, (size_t)len, "unknown command '%s' (a LAMMPS command): %s" SEE, c, renamed[k].mgmd);
            return out;
        }
    return NULL;
}
