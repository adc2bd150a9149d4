# Sourced by pair.sh and rate.sh: the repository root as the working directory, the usage shown
# (the calling script's header comment, lines 2 to $1) unless there are three arguments, the
# scratch directory, and cpu <pid>: the process's user + system CPU in clock ticks (all threads).
usage_unless_three() { if [ "$2" -ne 3 ]; then sed -n "2,$1p" "$0"; exit 2; fi; }
cd "$(dirname "$0")/../../.."
mkdir -p .cache/pair
[ "$(getconf CLK_TCK)" = 100 ] || { echo "expects 100 clock ticks a second" >&2; exit 1; }
cpu() { awk '{print $14+$15}' /proc/$1/stat; }
# scenario_args <page|overview|pdf|mint|read|write> <ctx json> <port>: cannon's arguments for one
# scenario against the server whose context serve.ts wrote, one argument a line (read them with
# `mapfile -t`); nothing, and a message, for an unknown scenario.
scenario_args() {
  local ctx=$2 port=$3 C K CID I
  C=$(node -e "console.log(require('./$ctx').portalCookie)"); K=$(node -e "console.log(require('./$ctx').apiKey)")
  CID=$(node -e "console.log(require('./$ctx').customerId)"); I=$(node -e "console.log(require('./$ctx').invoicePaymentId)")
  case $1 in
    page) printf '%s\n' -H "Cookie: $C" "http://127.0.0.1:$port/portal/billing";;
    overview) printf '%s\n' -H "Cookie: $C" "http://127.0.0.1:$port/portal";;
    pdf) printf '%s\n' -H "Authorization: Bearer $K" "http://127.0.0.1:$port/api/v1/payments/$I/invoice?locale=ko";;
    mint) printf '%s\n' -m POST -H "Authorization: Bearer $K" -H "Content-Type: application/json" -b '{}' "http://127.0.0.1:$port/api/v1/customers/$CID/portal-sessions";;
    read) printf '%s\n' -H "Authorization: Bearer $K" "http://127.0.0.1:$port/api/v1/customers/$CID";;
    write) printf '%s\n' -m POST -H "Authorization: Bearer $K" -H "Content-Type: application/json" -b '{"email":"pair.[<n>]@example.com","name":"Bench Writer"}' "http://127.0.0.1:$port/api/v1/customers";;
    *) scenario_known "$1";;
  esac
}
# scenario_known <kind>: whether scenario_args knows it (checked before any server starts).
scenario_known() { case $1 in page|overview|pdf|mint|read|write) return 0;; *) echo "unknown scenario $1 (page, overview, pdf, mint, read or write)" >&2; return 1;; esac; }
# cannon <autocannon's flags> <url>: autocannon, with a fresh body per request where the body has
# `[<n>]` (the write scenario's new email each time; cannon.ts).
cannon() { npx tsx test/bench/pair/cannon.ts "$@"; }
