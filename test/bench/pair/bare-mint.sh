#!/bin/bash
# Floor C, the least a mint can do as a server (bare-mint.ts: node:http and group commit of the
# mint's three rows, nothing else) and the app's mint, one after another: for each of ROUNDS (3)
# rounds, floor C for DURATION (10) s as `npm run bench` measures it (floors.ts C), then each
# server on a fresh copy of the 1k bench database, WARM (5) s of `autocannon -c 50` unmeasured
# and DURATION s measured; prints commits or requests a second and CPU a request (user + system
# of all the server's threads, from /proc). ADR 024's third addendum came from this script.
# With `write`, the same for a create: the bare server's KIND=create (a customer's row, its audit
# row, the search indexes once a batch) against the app's `POST /api/v1/customers`, each request
# a new email (ADR 024's fifth addendum).
# usage: test/bench/pair/bare-mint.sh A [mint|write]
#   A: a build in .cache/ab/<name> (PORTICO_BUILD_DIR=$PWD/.cache/ab/<name> npm run build)
#   ENV_BARE: environment for the bare server (`ENV_BARE=RANDOM_IDS=1`: random ids, not time-ordered)
#   needs the 1k seed: run `npm run bench` once first
set -euo pipefail
source "$(dirname "$0")/common.sh"
if [ $# -lt 1 ] || [ $# -gt 2 ]; then sed -n 2,14p "$0"; exit 2; fi
A=$1
KIND=${2:-mint}
case $KIND in
  mint) BARE_KIND=mint BARE_BODY='{}';;
  write) BARE_KIND=create BARE_BODY='{"email":"bare.[<n>]@example.com","name":"Bench Writer"}';;
  *) echo "unknown scenario $KIND (mint or write)" >&2; exit 2;;
esac
SEED=$(ls .cache/bench/seed-1000x5-*.db | head -1)
DIR=$(mktemp -d "${TMPDIR:-/tmp}/portico-bare-mint-XXXXXX")
trap 'pkill -TERM -f "test/bench/pair/(serve|bare-mint).ts" || true; rm -rf "$DIR"' EXIT
# measure <label> <pid> <cannon's arguments…>: the mint's load on a server, its figures printed.
measure() {
  local label=$1 pid=$2 a b
  shift 2
  cannon -c 50 -d ${WARM:-5} "$@" > /dev/null 2>&1
  a=$(cpu $pid)
  cannon -c 50 -d ${DURATION:-10} -j "$@" > "$DIR/r.json" 2> /dev/null
  b=$(cpu $pid)
  node -e 'const r=require(process.argv[1]); const [name, ticks] = process.argv.slice(2); console.log(`${name}: ${r.requests.average} req/s, p99 ${r.latency.p99} ms, ${(ticks * 10 / r.requests.total).toFixed(3)} ms CPU a request, ${r.non2xx + r.errors} errors`)' "$DIR/r.json" "$label" $((b - a))
}
for r in $(seq 1 ${ROUNDS:-3}); do
  echo "round $r"
  node --import tsx test/bench/floors.ts C --dir "$DIR" --duration ${DURATION:-10} | node -e 'let s=""; process.stdin.on("data", (d) => (s += d)).on("end", () => { const f = JSON.parse(s); console.log(`floor C: ${Math.round(f.rps)} commits/s, p99 ${f.p99.toFixed(2)} ms`); })'

  cp "$SEED" "$DIR/bare.db"; rm -f "$DIR/bare.db-wal" "$DIR/bare.db-shm"
  env KIND=$BARE_KIND ${ENV_BARE:-} node --import tsx test/bench/pair/bare-mint.ts "$DIR/bare.db" 4591 > "$DIR/bare.log" 2>&1 &
  P=$!
  for i in $(seq 1 100); do grep -q ready "$DIR/bare.log" && break; sleep 0.1; done
  # The bare server answers any path; it reads no key.
  measure "bare $KIND${ENV_BARE:+ ($ENV_BARE)}" $P -m POST -H "Content-Type: application/json" -b "$BARE_BODY" http://127.0.0.1:4591/
  kill -TERM $P; wait $P 2> /dev/null || true

  NAME=BM PORT=4592 BUILD=.cache/ab/$A npx tsx test/bench/pair/serve.ts > .cache/pair/serveBM.log 2>&1 &
  for i in $(seq 1 90); do grep -q ready .cache/pair/serveBM.log && break; sleep 0.5; done
  mapfile -t ARGS < <(scenario_args "$KIND" .cache/pair/ctxBM.json 4592)
  measure "app $KIND ($A)" "$(cat .cache/pair/serverBM.pid)" "${ARGS[@]}"
  pkill -TERM -f "test/bench/pair/serve.ts" || true
  for i in $(seq 1 40); do kill -0 "$(cat .cache/pair/serverBM.pid)" 2> /dev/null || break; sleep 0.25; done
done
