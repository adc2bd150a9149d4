#!/bin/bash
# Pages (or requests) a second of two server configurations, one server at a time: for each of
# ROUNDS (4) rounds, A then B, a fresh server on a copy of the 1k bench database with the bench's
# fixtures, WARM (5) s of unmeasured load, then DURATION (10) s of `autocannon -c 50`; prints
# each run's requests a second, p50 and p99, CPU a request (user + system of all the server's
# threads, from /proc) and peak RSS (sampled every 100 ms). For what CPU a request cannot show
# alone: a change that moves work to another core (the page thread, ADR 021).
# usage: test/bench/pair/rate.sh <page|overview|pdf|mint|read|write> A B
#   A, B: builds in .cache/ab/<name> (PORTICO_BUILD_DIR=$PWD/.cache/ab/<name> npm run build)
#   ENV_A, ENV_B: extra environment for one server (`ENV_B=PAGE_THREAD=false … page cur cur`)
#   NODEFLAGS_A, NODEFLAGS_B: node flags for one server only, after the start script's
#   needs the 1k seed: run `npm run bench` once first
set -euo pipefail
source "$(dirname "$0")/common.sh"
usage_unless_three 12 $#
KIND=$1; A=$2; B=$3
scenario_known "$KIND" || exit 2
run() { # $1 = A|B, $2 = build, $3 = extra env, $4 = node flags
  NODEFLAGS="$4" SERVER_ENV="$3" NAME=R PORT=4563 BUILD=.cache/ab/$2 npx tsx test/bench/pair/serve.ts > .cache/pair/serveR.log 2>&1 &
  for i in $(seq 1 90); do grep -q ready .cache/pair/serveR.log && break; sleep 0.5; done
  local P=$(cat .cache/pair/serverR.pid)
  local ARGS
  mapfile -t ARGS < <(scenario_args "$KIND" .cache/pair/ctxR.json 4563)
  echo 0 > .cache/pair/peakR
  ( peak=0; while kill -0 $P 2>/dev/null; do r=$(awk '/VmRSS/{print int($2/1024)}' /proc/$P/status 2>/dev/null || echo 0); if [ "${r:-0}" -gt $peak ]; then peak=$r; echo $peak > .cache/pair/peakR; fi; sleep 0.1; done ) &
  cannon -c 50 -d ${WARM:-5} "${ARGS[@]}" > /dev/null 2>&1
  local a=$(cpu $P)
  cannon -c 50 -d ${DURATION:-10} -j "${ARGS[@]}" > .cache/pair/rateR.json 2> /dev/null
  local b=$(cpu $P)
  node -e 'const r=require("./.cache/pair/rateR.json"); const [name, ticks, peak] = process.argv.slice(1); console.log(`${name}: ${r.requests.average} req/s, p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms, ${(ticks * 10 / r.requests.total).toFixed(3)} ms CPU a request, peak RSS ${peak} MB, ${r.non2xx + r.errors} errors`)' "$1 ($2${3:+, $3}${4:+, $4})" $((b - a)) "$(cat .cache/pair/peakR)"
  pkill -TERM -f "test/bench/pair/serve.ts" || true
  for i in $(seq 1 40); do kill -0 $P 2>/dev/null || break; sleep 0.25; done
}
for r in $(seq 1 ${ROUNDS:-4}); do
  echo "round $r"
  run A "$A" "${ENV_A:-}" "${NODEFLAGS_A:-}"
  run B "$B" "${ENV_B:-}" "${NODEFLAGS_B:-}"
done
