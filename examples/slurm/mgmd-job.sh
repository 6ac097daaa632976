#!/bin/bash
# A study that outlives the wall-time limit: run the deck, and when mgmd
# stops early with a checkpoint (exit code 75), submit this script again to
# continue from the newest checkpoint, until the deck is finished.
#
#   sbatch mgmd-job.sh                    (settings below, or --export=DECK=...)
#
# Slurm sends SIGUSR1 to every task 10 minutes before the limit (--signal);
# mgmd then checkpoints at its next neighbour-list rebuild and exits with 75.
# The deck's own `checkpoint ... walltime` is a second line of defence for
# schedulers that send no warning; SIGTERM at the limit also checkpoints at
# once. README.md explains each part.
#
# Wherever the signal lands (the ranks, srun, mpirun or this shell), the
# verdict does not rest on the launcher's exit code, which mpirun turns into
# 1 when it was signalled: this shell passes the signals it gets on to the
# launcher (SIGTERM as SIGUSR2, which mpirun forwards at once and mgmd takes
# as SIGTERM), waits for it, and reads PREFIX.stopped, the note mgmd writes
# beside the checkpoints when it stops with one ("exit 75", the step, the
# checkpoint; removed when the deck finishes).
#SBATCH --job-name=mgmd-glass
#SBATCH --nodes=1
#SBATCH --ntasks-per-node=32
#SBATCH --time=24:00:00
#SBATCH --signal=USR1@600
#SBATCH --open-mode=append
#SBATCH --output=%x.log

set -u
DECK=${DECK:-in.glass}          # the study
PREFIX=${PREFIX:-ckpt/glass}     # = the deck's `checkpoint ... file PREFIX`
MGMD=${MGMD:-mgmd}
LAUNCH=${LAUNCH-srun}            # how to start MPI ranks ("" for one rank)
SUBMIT=${SUBMIT:-sbatch}         # how to queue the next job
MAX_JOBS=${MAX_JOBS:-100}        # stop a runaway chain
JOB_SCRIPT=${JOB_SCRIPT:-${SLURM_SUBMIT_DIR:-$(pwd)}/mgmd-job.sh}
chain=${MGMD_CHAIN:-1}
# Open MPI's mpirun, itself sent SIGTERM, passes it to the ranks after this
# many seconds and SIGKILLs them as long again later (default 1 s: too little
# for a checkpoint). 10 + 10 s fits in Slurm's KillWait of 30 s.
export OMPI_MCA_odls_base_sigkill_timeout=${OMPI_MCA_odls_base_sigkill_timeout:-10}

restart=()
if compgen -G "$PREFIX.*.h5" > /dev/null; then
    restart=(-restart "$PREFIX")  # mgmd takes the newest valid one
fi
rm -f "$PREFIX.stopped"           # a note from an earlier job is not ours
echo "mgmd-job: job $chain of the chain, $(date), ${restart[*]:-fresh start}"

# Run the launcher in the background so this shell can take signals while
# it waits, and hand each on once.
signalled=""
forward() {
    local sig=$1 to=$1
    case " $signalled " in *" $sig "*) return ;; esac
    signalled="$signalled $sig"
    [ "$sig" = TERM ] && to=USR2  # mpirun would start killing on TERM
    echo "mgmd-job: SIG$sig received; passing SIG$to to the launcher (pid $launcher)"
    kill -"$to" "$launcher" 2>/dev/null
}
$LAUNCH "$MGMD" "${restart[@]}" "$DECK" &
launcher=$!
trap 'forward TERM' TERM
trap 'forward USR1' USR1
trap 'forward USR2' USR2
while :; do
    wait "$launcher"
    rc=$?
    # A trap ends `wait` early (status > 128) with the launcher still there.
    kill -0 "$launcher" 2>/dev/null || break
done
trap - TERM USR1 USR2

# The verdict: mgmd's note beside the checkpoints, whatever the launcher said.
note_rc="" note_ck=""
if [ -s "$PREFIX.stopped" ]; then
    note_rc=$(awk '$1 == "exit" { print $2 }' "$PREFIX.stopped")
    note_ck=$(awk '$1 == "checkpoint" { print $2 }' "$PREFIX.stopped")
fi
if [ "$note_rc" = 75 ] && [ -s "$note_ck" ]; then
    [ "$rc" != 75 ] && echo "mgmd-job: the launcher exited $rc, but mgmd stopped with checkpoint $note_ck (exit 75)"
    rc=75
elif [ "$rc" = 75 ]; then
    :
elif [ "$rc" != 0 ] && [ -n "$signalled" ] && compgen -G "$PREFIX.*.h5" > /dev/null; then
    # Stopped by the scheduler before mgmd could checkpoint: the newest
    # checkpoint of the series is still there to go on from.
    echo "mgmd-job: stopped by SIG${signalled# } before a checkpoint of its own (exit $rc); continuing from the newest one"
    rc=75
fi
case $rc in
0)  echo "mgmd-job: the deck is finished" ;;
75) if [ "$chain" -ge "$MAX_JOBS" ]; then
        echo "mgmd-job: $MAX_JOBS jobs and not finished; not resubmitting" >&2
        exit 1
    fi
    echo "mgmd-job: stopped with a checkpoint; submitting job $((chain + 1))"
    MGMD_CHAIN=$((chain + 1)) $SUBMIT --export=ALL,MGMD_CHAIN=$((chain + 1)) "$JOB_SCRIPT" ;;
*)  echo "mgmd-job: mgmd failed (exit $rc); not resubmitting" >&2
    exit "$rc" ;;
esac
