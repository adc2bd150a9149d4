#!/bin/bash
# Where one scenario's time goes, outside a profiler: a fresh server (a build) on a copy of the 1k
# bench database, WARM (5) s of `autocannon -c 50` unmeasured, then DURATION (10) s measured; prints
# requests a second, each of the server's threads' CPU over the measured seconds (share of one
# core), the main thread's user and system time, how idle the machine was, and — copied from the
# server's database halfway through — the pages each commit wrote, by b-tree (wal-pages.ts), and
# the group commit's units a commit (from the server's log as it stops).
# ADR 024's fourth addendum came from this script.
# usage: test/bench/pair/anatomy.sh <page|overview|pdf|mint|read|write> A
#   A: a build in .cache/ab/<name> (PORTICO_BUILD_DIR=$PWD/.cache/ab/<name> npm run build)
#   needs the 1k seed: run `npm run bench` once first
set -euo pipefail
source "$(dirname "$0")/common.sh"
if [ $# -ne 2 ]; then sed -n 2,11p "$0"; exit 2; fi
KIND=$1; A=$2
scenario_known "$KIND" || exit 2
COPY=$(mktemp -d "${TMPDIR:-/tmp}/portico-anatomy-XXXXXX")
P=
stop() {
  pkill -TERM -f "test/bench/pair/serve.ts" || true
  if [ -n "$P" ]; then for i in $(seq 1 40); do kill -0 "$P" 2> /dev/null || break; sleep 0.25; done; fi
  P=
  rm -rf "$COPY"
}
trap stop EXIT
NAME=AN PORT=4593 BUILD=.cache/ab/$A npx tsx test/bench/pair/serve.ts > .cache/pair/serveAN.log 2>&1 &
for i in $(seq 1 90); do grep -q ready .cache/pair/serveAN.log && break; sleep 0.5; done
P=$(cat .cache/pair/serverAN.pid)
DB=$(awk '/^ready/ {print $3}' .cache/pair/serveAN.log)/bench.db
mapfile -t ARGS < <(scenario_args "$KIND" .cache/pair/ctxAN.json 4593)
# threads: "<tid> <name> <user+system ticks>", one a line
threads() { for t in /proc/$P/task/*; do echo "$(basename "$t") $(tr ' ' _ < "$t/comm") $(awk '{print $14 + $15}' "$t/stat")"; done; }
machine() { awk '/^cpu / {print $5, $2 + $3 + $4 + $5 + $6 + $7 + $8}' /proc/stat; }  # idle, all
cannon -c 50 -d ${WARM:-5} "${ARGS[@]}" > /dev/null 2>&1
# The WAL as the measurement begins (its size and header): wal-pages.ts counts only later commits.
WAL_START=$(stat -c %s "$DB-wal" 2> /dev/null || echo 0); head -c 32 "$DB-wal" > "$COPY/wal.start" 2> /dev/null || true
threads > "$COPY/threads.before"; read -r MAIN_U1 MAIN_S1 < <(awk '{print $14, $15}' /proc/$P/task/$P/stat); read -r IDLE1 ALL1 < <(machine)
cannon -c 50 -d ${DURATION:-10} -j "${ARGS[@]}" > "$COPY/rate.json" 2> /dev/null &
sleep $(( ${DURATION:-10} / 2 ))
# The WAL first: its frames are what is read; the database only names their pages.
cp "$DB-wal" "$COPY/copy.db-wal" 2> /dev/null || true
cp "$DB" "$COPY/copy.db"
wait $!
threads > "$COPY/threads.after"; read -r MAIN_U2 MAIN_S2 < <(awk '{print $14, $15}' /proc/$P/task/$P/stat); read -r IDLE2 ALL2 < <(machine)
node -e 'const r = require(process.argv[1]); console.log(`${r.requests.average} req/s, p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms, ${r.non2xx + r.errors} errors`)' "$COPY/rate.json"
SECONDS_TICKS=$(( ${DURATION:-10} * 100 ))
echo "threads (CPU over the measured seconds, % of one core):"
join <(sort "$COPY/threads.before") <(sort "$COPY/threads.after") | awk -v t=$SECONDS_TICKS '{ d = $5 - $3; if (d > 0) printf "  %s %s %.0f %%\n", $1, $2, 100 * d / t }'
echo "main thread: user $(( MAIN_U2 - MAIN_U1 )), system $(( MAIN_S2 - MAIN_S1 )) ticks; machine idle $(( 100 * (IDLE2 - IDLE1) / (ALL2 - ALL1) )) %"
if [ -f "$COPY/copy.db-wal" ]; then node --import tsx test/bench/pair/wal-pages.ts "$COPY/copy.db" "$WAL_START" "$COPY/wal.start"; else echo "no WAL: nothing was written"; fi
stop
# The group commit's counters, logged as the server stops (warm-up included); serve.ts keeps the log.
for i in $(seq 1 20); do grep -q '"group commit"' .cache/pair/serverAN.log 2> /dev/null && break; sleep 0.25; done
grep '"group commit"' .cache/pair/serverAN.log | tail -1 | node -e 'let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => { if (!s) return; const g = JSON.parse(s); console.log(`group commit (the whole run): ${g.commits} commits, ${g.units} units, ${(g.units / Math.max(1, g.commits)).toFixed(1)} a commit, largest ${g.largest_batch}`); })'
