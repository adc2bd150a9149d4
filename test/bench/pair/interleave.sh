#!/bin/bash
# Two server configurations up side by side, measured in short alternating slices so that both
# see the same host: the host's speed here moves by a third within minutes (README, "Floors"),
# more than a few per cent a change is worth, and rate.sh's rounds of 15 s each cannot tell those
# apart. A and B start together on their own copies of the 1k bench database (with the bench's
# fixtures), each gets WARM (5) s of unmeasured load, then SLICES (20) slices of SLICE (3) s of
# `autocannon -c 50`, A then B then A…; prints each one's requests a second over all its slices,
# CPU a request (user + system of all its threads, from /proc, over its slices only) and how many
# slices it won.
# usage: test/bench/pair/interleave.sh <page|overview|pdf|mint|read|write> A B
#   A, B: builds in .cache/ab/<name> (PORTICO_BUILD_DIR=$PWD/.cache/ab/<name> npm run build)
#   ENV_A, ENV_B, NODEFLAGS_A, NODEFLAGS_B: as in rate.sh
#   needs the 1k seed: run `npm run bench` once first
set -euo pipefail
source "$(dirname "$0")/common.sh"
usage_unless_three 13 $#
KIND=$1
scenario_known "$KIND" || exit 2
declare -A BUILD=([A]=$2 [B]=$3) PORT=([A]=4563 [B]=4564) ENVS=([A]="${ENV_A:-}" [B]="${ENV_B:-}") FLAGS=([A]="${NODEFLAGS_A:-}" [B]="${NODEFLAGS_B:-}")
declare -A PID REQS CPU WINS
for S in A B; do
  NODEFLAGS="${FLAGS[$S]}" SERVER_ENV="${ENVS[$S]}" NAME=I$S PORT=${PORT[$S]} BUILD=.cache/ab/${BUILD[$S]} npx tsx test/bench/pair/serve.ts > .cache/pair/serveI$S.log 2>&1 &
done
trap 'pkill -TERM -f "test/bench/pair/serve.ts" || true' EXIT
for S in A B; do
  for i in $(seq 1 120); do grep -q ready .cache/pair/serveI$S.log && break; sleep 0.5; done
  grep -q ready .cache/pair/serveI$S.log || { echo "server $S did not start" >&2; cat .cache/pair/serveI$S.log >&2; exit 1; }
  PID[$S]=$(cat .cache/pair/serverI$S.pid); REQS[$S]=0; CPU[$S]=0; WINS[$S]=0
done
mapfile -t ARGS_A < <(scenario_args "$KIND" .cache/pair/ctxIA.json ${PORT[A]}); mapfile -t ARGS_B < <(scenario_args "$KIND" .cache/pair/ctxIB.json ${PORT[B]})
run() { # $1 = A|B, $2 = seconds, $3 = json out or empty
  if [ "$1" = A ]; then cannon -c 50 -d $2 ${3:+-j} "${ARGS_A[@]}"; else cannon -c 50 -d $2 ${3:+-j} "${ARGS_B[@]}"; fi
}
for S in A B; do run $S ${WARM:-5} > /dev/null 2>&1; done
for i in $(seq 1 ${SLICES:-20}); do
  declare -A RPS
  for S in A B; do
    a=$(cpu ${PID[$S]})
    run $S ${SLICE:-3} j > .cache/pair/slice$S.json 2> /dev/null
    b=$(cpu ${PID[$S]})
    n=$(node -e 'const r=require("./.cache/pair/slice'$S'.json"); if (r.non2xx + r.errors) { console.error("errors in a slice"); process.exit(1) } console.log(r.requests.total)')
    REQS[$S]=$((REQS[$S] + n)); CPU[$S]=$((CPU[$S] + b - a)); RPS[$S]=$n
  done
  if [ ${RPS[A]} -gt ${RPS[B]} ]; then WINS[A]=$((WINS[A] + 1)); else WINS[B]=$((WINS[B] + 1)); fi
done
for S in A B; do
  node -e 'const [name, reqs, ticks, seconds, wins, slices] = process.argv.slice(1); console.log(`${name}: ${(reqs / seconds).toFixed(0)} req/s over its slices, ${(ticks * 10 / reqs).toFixed(3)} ms CPU a request, ahead in ${wins} of ${slices} slices`)' "$S (${BUILD[$S]})" ${REQS[$S]} ${CPU[$S]} $(( ${SLICES:-20} * ${SLICE:-3} )) ${WINS[$S]} ${SLICES:-20}
done
node -e 'const [a, b, ca, cb] = process.argv.slice(1).map(Number); console.log(`B ÷ A: req/s ${(b / a).toFixed(3)}, CPU a request ${((cb / b) / (ca / a)).toFixed(3)}`)' ${REQS[A]} ${REQS[B]} ${CPU[A]} ${CPU[B]}
