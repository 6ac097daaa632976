/* Fuzz target: the EAM potential-file readers (potential/eam_file.h,
 * eam_tables_read), one binary per format: FUZZ_EAM_STYLE is EAM_FUNCFL,
 * EAM_SETFL or EAM_FS (CMake builds fuzz_eam_funcfl, fuzz_eam_setfl and
 * fuzz_eam_fs from this file). The input is written to a file in /dev/shm.
 *
 *   funcfl: the file for one type, or (odd input length) for two types
 *           both read from it, so the mixing and regridding run;
 *   setfl, fs: the element names are taken from the file's fourth line
 *           ("N El1 El2 ..."), at most three, one type each; if that line
 *           gives none, the single name "Cu" (the "not in the file" error).
 *
 * The readers are pure (no MPI, no exit): they return -1 with a message, so
 * every leak is a real one. Contract checked: a failure leaves a message and
 * empty tables; a success gives tables whose sizes are positive and whose
 * maps point inside them, which pack, unpack and hash (what a broadcast and
 * a checkpoint do with them) must then handle. */
#include "potential/eam_file.h"
#include "fuzz_common.h"


#ifndef FUZZ_EAM_STYLE
#error "define FUZZ_EAM_STYLE (EAM_FUNCFL, EAM_SETFL or EAM_FS)"
#endif

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    mg_set_fail_hook(fuzz_fail_hook); /* a reader must not reach it */
    return 0;
}

/* Element names from line 4 of a setfl/fs file. */
static int names_of(const uint8_t *data, size_t size, char names[3][16])
{
    size_t i = 0;
    for (int line = 1; line < 4 && i < size; i++)
        if (data[i] == '\n')
            line++;
    char buf[256];
    size_t n = 0;
    while (i < size && data[i] != '\n' && n + 1 < sizeof buf)
        buf[n++] = (char)data[i++];
    buf[n] = '\0';
    int got = 0;
    char *save = NULL;
    char *tok = strtok_r(buf, " \t\r", &save); /* the count */
    while (tok && got < 3 && (tok = strtok_r(NULL, " \t\r", &save)))
        if (strlen(tok) < 16)
            snprintf(names[got++], 16, "%s", tok);
    return got;
}

static void check_tables(const eam_tables *t)
{
    if (t->ntypes < 1 || t->nrho < 1 || t->nr < 1 || !t->type2frho || !t->type2rhor || !t->type2z2r) {
        fprintf(stderr, "eam_tables_read succeeded with empty tables\n");
        abort();
    }
    int nt = t->ntypes + 1;
    for (int a = 1; a < nt; a++) {
        if (t->type2frho[a] < 0 || t->type2frho[a] >= t->nfrho)
            abort();
        for (int b = 1; b < nt; b++)
            if (t->type2rhor[a * nt + b] < 0 || t->type2rhor[a * nt + b] >= t->nrhor ||
                t->type2z2r[a * nt + b] < 0 || t->type2z2r[a * nt + b] >= t->nz2r)
                abort();
    }
    size_t nint = 0, nd = eam_tables_pack_size(t, &nint);
    double *d = malloc((nd ? nd : 1) * sizeof *d);
    int *in = malloc((nint ? nint : 1) * sizeof *in);
    eam_tables_pack(t, d, in);
    eam_tables u;
    memset(&u, 0, sizeof u);
    if (eam_tables_unpack(&u, d, in) != 0 || eam_tables_hash(&u) != eam_tables_hash(t)) {
        fprintf(stderr, "eam tables do not survive pack/unpack\n");
        abort();
    }
    eam_tables_free(&u);
    free(d);
    free(in);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_write_file("eam", data, size);
    const char *args[4];
    int ntypes, nargs;
    char names[3][16];
    if (FUZZ_EAM_STYLE == EAM_FUNCFL) {
        ntypes = nargs = 1 + (int)(size & 1);
        args[0] = args[1] = path;
    } else {
        ntypes = names_of(data, size, names);
        if (!ntypes) {
            snprintf(names[0], 16, "Cu");
            ntypes = 1;
        }
        args[0] = path;
        for (int t = 0; t < ntypes; t++)
            args[t + 1] = names[t];
        nargs = ntypes + 1;
    }
    eam_tables t;
    memset(&t, 0, sizeof t);
    char err[1024] = "";
    if (setjmp(fuzz_jmp) != 0) {
        fprintf(stderr, "an EAM reader took mgmd's failure route: %s\n", fuzz_last_msg);
        abort();
    }
    if (eam_tables_read(FUZZ_EAM_STYLE, ntypes, nargs, args, &t, err, sizeof err) == 0) {
        fuzz_note("accepted", path);
        check_tables(&t);
        eam_tables_free(&t);
    } else if (fuzz_note("rejected", err), !err[0]) {
        fprintf(stderr, "eam_tables_read failed without a message\n");
        abort();
    }
    return 0;
}
