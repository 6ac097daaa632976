/* Fuzz target: the LAMMPS data-file reader (io/data_file.h, data_read),
 * on the input written to a file in /dev/shm, into an empty system on one
 * rank (so the header, Masses, Atoms and Velocities parsing, the id checks
 * and the decomposition of what was read all run). A rejected file ends in
 * mg_fail_all, which the harness's fail hook turns into a return; leaks on
 * that route are ignored (fuzz_common.h), leaks on success are not. After a
 * successful read the system is set up for no potential (md_decompose has
 * placed the atoms) and destroyed. */
#include "io/data_file.h"
#include "fuzz_common.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    fuzz_init_mpi(argc, argv);
    return 0;
}

static md s;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_write_file("data", data, size);
    fuzz_track_begin();
    volatile int failed = 0;
    if (setjmp(fuzz_jmp) == 0) {
        md_init(&s);
        data_read(&s, path);
        fuzz_note("accepted", path);
    } else {
        failed = 1;
    }
    md_destroy(&s);
    fuzz_track_end(failed);
    return 0;
}
