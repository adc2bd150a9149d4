#!/bin/bash
# Two production builds side by side, on copies of the 1k bench database, with the bench's
# fixtures: after WARM (3000) unmeasured requests each, batches of N (2000) requests at 50
# connections alternate between the two servers ROUNDS (6) times; prints each build's CPU
# (user + system, from /proc) per request for every batch and the mean. On a machine whose speed
# drifts within minutes this is the A/B that holds (README, "Issue 13 changes, measured").
# usage: test/bench/pair/pair.sh <page|overview|pdf|mint|read|write> A B
#   A, B: builds in .cache/ab/<name> (PORTICO_BUILD_DIR=$PWD/.cache/ab/<name> npm run build)
#   NODEFLAGS_A, NODEFLAGS_B: node flags for one server only, after the start script's (the same
#   build twice with one flag changed: `NODEFLAGS_B=--max-semi-space-size=64 … page cur cur`)
#   needs the 1k seed: run `npm run bench` once first
set -euo pipefail
source "$(dirname "$0")/common.sh"
usage_unless_three 11 $#
KIND=$1; A=$2; B=$3
scenario_known "$KIND" || exit 2
NAME=A NODEFLAGS="${NODEFLAGS_A:-}" PORT=4561 BUILD=.cache/ab/$A npx tsx test/bench/pair/serve.ts > .cache/pair/serveA.log 2>&1 &
NAME=B NODEFLAGS="${NODEFLAGS_B:-}" PORT=4562 BUILD=.cache/ab/$B npx tsx test/bench/pair/serve.ts > .cache/pair/serveB.log 2>&1 &
for i in $(seq 1 90); do grep -q ready .cache/pair/serveA.log && grep -q ready .cache/pair/serveB.log && break; sleep 0.5; done
mapfile -t ARGS_A < <(scenario_args "$KIND" .cache/pair/ctxA.json 4561); mapfile -t ARGS_B < <(scenario_args "$KIND" .cache/pair/ctxB.json 4562)
PA=$(cat .cache/pair/serverA.pid); PB=$(cat .cache/pair/serverB.pid)
cannon -c 50 -a ${WARM:-3000} "${ARGS_A[@]}" > /dev/null 2>&1; cannon -c 50 -a ${WARM:-3000} "${ARGS_B[@]}" > /dev/null 2>&1
N=${N:-2000}; ta=0; tb=0; la=""; lb=""
for r in $(seq 1 ${ROUNDS:-6}); do
  a=$(cpu $PA); cannon -c 50 -a $N "${ARGS_A[@]}" > /dev/null 2>&1; a=$(( $(cpu $PA) - a ))
  b=$(cpu $PB); cannon -c 50 -a $N "${ARGS_B[@]}" > /dev/null 2>&1; b=$(( $(cpu $PB) - b ))
  # /proc counts clock ticks of 10 ms: ticks × 10 ÷ requests = ms of CPU a request
  la="$la $(awk -v t=$a -v n=$N 'BEGIN{printf "%.3f", t*10/n}')"; lb="$lb $(awk -v t=$b -v n=$N 'BEGIN{printf "%.3f", t*10/n}')"; ta=$((ta+a)); tb=$((tb+b))
done
R=${ROUNDS:-6}
echo "$KIND $A:$la  mean $(awk -v t=$ta -v n=$((N*R)) 'BEGIN{printf "%.3f", t*10/n}') ms"
echo "$KIND $B:$lb  mean $(awk -v t=$tb -v n=$((N*R)) 'BEGIN{printf "%.3f", t*10/n}') ms"
kill $PA $PB; pkill -f test/bench/pair/serve.ts || true; sleep 1
