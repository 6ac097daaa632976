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

restart=()
if compgen -G "$PREFIX.*.h5" > /dev/null; then
    restart=(-restart "$PREFIX")  # mgmd takes the newest valid one
fi
echo "mgmd-job: job $chain of the chain, $(date), ${restart[*]:-fresh start}"
$LAUNCH "$MGMD" "${restart[@]}" "$DECK"
rc=$?
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
