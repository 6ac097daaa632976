/* Fuzz target: the checkpoint reader (io/checkpoint.h): ckpt_open, which
 * opens the file with parallel HDF5 (MPI-IO, one rank) and validates it
 * completely (format, version, the deck record, the checksum of every
 * dataset), then, if it opened, the metadata and ckpt_load_system into an
 * empty system (box, types, masses, names, atoms: the first thing a restart
 * does with it), on the input written to a file in /dev/shm.
 *
 * ckpt_open never exits (it returns NULL with a reason), so a leak or a
 * failure route there is a bug; ckpt_load_system fails collectively on what
 * open did not check, which the harness's hook turns into a return (leaks on
 * that route ignored, fuzz_common.h). HDF5 itself is not instrumented:
 * crashes inside libhdf5 on damaged files show up with libhdf5 frames. */
#include "io/checkpoint.h"
#include "fuzz_common.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    fuzz_init_mpi(argc, argv);
    return 0;
}

static md s;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_write_file("ckpt.h5", data, size);
    char why[1024] = "";
    fuzz_track_begin();
    if (setjmp(fuzz_jmp) != 0) {
        fprintf(stderr, "ckpt_open took mgmd's failure route: %s\n", fuzz_last_msg);
        abort();
    }
    ckpt_file *volatile f = ckpt_open(path, why, sizeof why);
    if (!f) {
        fuzz_note("rejected", why);
        if (!why[0]) {
            fprintf(stderr, "ckpt_open failed without a reason\n");
            abort();
        }
        fuzz_track_end(0);
        return 0;
    }
    const ckpt_meta *m = ckpt_meta_of(f);
    if (!m || !m->deck_text || !m->commands) {
        fprintf(stderr, "ckpt_open succeeded without its deck record\n");
        abort();
    }
    volatile int failed = 0;
    if (setjmp(fuzz_jmp) == 0) {
        md_init(&s);
        ckpt_load_system(f, &s);
    } else {
        failed = 1;
    }
    md_destroy(&s);
    ckpt_close(f);
    fuzz_track_end(failed);
    return 0;
}
