#!/bin/bash
# One server process against two on the same database (what the cluster module would run, without
# anything shared between the two but the SQLite file): for each of ROUNDS (5) rounds, two
# processes of build A on one copy of the 1k bench database, 25 connections to each (two
# autocannons), then one process, 50 connections; WARM (5) s unmeasured, then DURATION (10) s.
# Prints each run's requests a second (both processes together), p99 of each, CPU a request (all
# the servers' threads, from /proc), the servers' CPU in cores and the machine's idle share
# (/proc/stat). ADR 024's addendum: its table came from this script's first draft, its last three
# rounds from this script.
# usage: test/bench/pair/processes.sh <page|overview|pdf|mint|read|write> A
#   A: a build in .cache/ab/<name> (PORTICO_BUILD_DIR=$PWD/.cache/ab/<name> npm run build)
#   needs the 1k seed: run `npm run bench` once first
set -euo pipefail
source "$(dirname "$0")/common.sh"
if [ $# -ne 2 ]; then sed -n 2,12p "$0"; exit 2; fi
KIND=$1; A=$2
scenario_known "$KIND" || exit 2
idle() { awk '/^cpu /{print $5+$6}' /proc/stat; }
# The servers are stopped however the script ends (the second one is detached), so that a
# leftover one never answers the next run's port.
P2=""
trap '[ -z "$P2" ] || kill -TERM "$P2" 2> /dev/null; pkill -TERM -f "test/bench/pair/serve.ts" || true' EXIT
run() { # $1 = number of server processes (1 or 2)
  NAME=M PORT=4581 BUILD=.cache/ab/$A npx tsx test/bench/pair/serve.ts > .cache/pair/serveM.log 2>&1 &
  for i in $(seq 1 90); do grep -q ready .cache/pair/serveM.log && break; sleep 0.5; done
  local P1 PIDS
  P2=""
  P1=$(cat .cache/pair/serverM.pid); PIDS=$P1
  if [ "$1" = 2 ]; then
    # The second process: the first's command line and environment, another port (a free one).
    if curl -sf http://127.0.0.1:4582/healthz > /dev/null; then echo "port 4582 already answers: stop that server first" >&2; exit 1; fi
    P2=$(node -e '
      const fs = require("node:fs"), { spawn } = require("node:child_process");
      const pid = process.argv[1];
      const env = Object.fromEntries(fs.readFileSync(`/proc/${pid}/environ`, "utf8").split("\0").filter(Boolean).map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]));
      const argv = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean);
      const log = fs.openSync(".cache/pair/serverM2.log", "w");
      const child = spawn(argv[0], argv.slice(1), { env: { ...env, PORT: "4582" }, cwd: fs.readlinkSync(`/proc/${pid}/cwd`), stdio: ["ignore", log, log], detached: true });
      console.log(child.pid);
      child.unref();' "$P1")
    PIDS="$P1 $P2"
    for i in $(seq 1 100); do curl -sf http://127.0.0.1:4582/healthz > /dev/null && break; sleep 0.2; done
    kill -0 "$P2" 2> /dev/null || { echo "the second process did not start (.cache/pair/serverM2.log)" >&2; exit 1; }
  fi
  local ARGS1 ARGS2
  mapfile -t ARGS1 < <(scenario_args "$KIND" .cache/pair/ctxM.json 4581)
  mapfile -t ARGS2 < <(scenario_args "$KIND" .cache/pair/ctxM.json 4582)
  load() { # $1 = seconds
    if [ -n "$P2" ]; then
      cannon -j -c 25 -d "$1" "${ARGS1[@]}" > .cache/pair/procM1.json 2> /dev/null &
      local first=$!
      cannon -j -c 25 -d "$1" "${ARGS2[@]}" > .cache/pair/procM2.json 2> /dev/null
      wait $first
    else
      cannon -j -c 50 -d "$1" "${ARGS1[@]}" > .cache/pair/procM1.json 2> /dev/null
      echo '{"requests":{"total":0},"latency":{"p99":0},"non2xx":0,"errors":0}' > .cache/pair/procM2.json
    fi
  }
  load "${WARM:-5}"
  local a=0 b=0 ia ib p
  for p in $PIDS; do a=$((a + $(cpu $p))); done; ia=$(idle)
  load "${DURATION:-10}"
  for p in $PIDS; do b=$((b + $(cpu $p))); done; ib=$(idle)
  node -e '
    const [one, two] = [".cache/pair/procM1.json", ".cache/pair/procM2.json"].map((f) => JSON.parse(require("node:fs").readFileSync(f, "utf8")));
    const [n, ticks, idleTicks, seconds, cores] = process.argv.slice(1).map(Number);
    const total = one.requests.total + two.requests.total;
    const p99 = n === 2 ? `${one.latency.p99}/${two.latency.p99}` : `${one.latency.p99}`;
    console.log(`${n} process${n === 2 ? "es" : ""}: ${Math.round(total / seconds)} req/s, p99 ${p99} ms, ${((ticks * 10) / total).toFixed(3)} ms CPU a request, servers ${(ticks / seconds).toFixed(0)} % of a core, machine ${(idleTicks / seconds / cores).toFixed(0)} % idle, ${one.non2xx + two.non2xx + one.errors + two.errors} errors`);
  ' "$1" $((b - a)) $((ib - ia)) "${DURATION:-10}" "$(nproc)"
  [ -z "$P2" ] || kill -TERM "$P2"
  P2=""
  pkill -TERM -f "test/bench/pair/serve.ts" || true
  for i in $(seq 1 40); do kill -0 $P1 2> /dev/null || break; sleep 0.25; done
}
for round in $(seq 1 "${ROUNDS:-5}"); do
  run 2
  run 1
done
