# Sourced by pair.sh and rate.sh: the repository root as the working directory, the usage shown
# (the calling script's header comment, lines 2 to $1) unless there are three arguments, the
# scratch directory, and cpu <pid>: the process's user + system CPU in clock ticks (all threads).
usage_unless_three() { if [ "$2" -ne 3 ]; then sed -n "2,$1p" "$0"; exit 2; fi; }
cd "$(dirname "$0")/../../.."
mkdir -p .cache/pair
[ "$(getconf CLK_TCK)" = 100 ] || { echo "expects 100 clock ticks a second" >&2; exit 1; }
cpu() { awk '{print $14+$15}' /proc/$1/stat; }
