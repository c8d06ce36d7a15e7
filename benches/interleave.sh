#!/usr/bin/env bash
# Times two or more builds of `normalise` on one evidence file, alternating
# them round by round, and prints each one's median wall time, its range and
# its median user CPU. On a shared machine whose speed drifts from minute to
# minute, this compares builds fairly where separate runs cannot.
#
#   benches/interleave.sh [--rounds N] FILE BINARY...
#
# e.g. the scale case, before and after a change:
#   git stash && cargo build --release -p regops-bench --bin normalise \
#     && cp target/release/normalise /tmp/normalise-old && git stash pop
#   cargo build --release -p regops-bench --bin normalise
#   target/release/gen-evidence --size scale --out /tmp/scale
#   benches/interleave.sh --rounds 10 /tmp/scale/coverage.xml \
#     /tmp/normalise-old target/release/normalise
#
# FILE is passed with --coverage when its name says coverage, with --bundle
# when it says bundle (an evidence bundle), else --tests; a tool output's
# format is detected from its content either way.
set -euo pipefail

ROUNDS=10
if [ "${1:-}" = --rounds ]; then
    ROUNDS=$2
    shift 2
fi
if [ $# -lt 2 ]; then
    sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
fi
FILE=$1
shift
case "$(basename "$FILE")" in
    *coverage* | *cobertura* | *jacoco* | *lcov*) KIND=--coverage ;;
    *bundle*) KIND=--bundle ;;
    *bom*|*sbom*) KIND=--sbom ;;
    *sarif*) KIND=--findings ;;
    *) KIND=--tests ;;
esac
for tool in /usr/bin/time awk; do
    command -v "$tool" >/dev/null || { echo "interleave.sh: $tool not found" >&2; exit 2; }
done

RESULTS=$(mktemp -d)
trap 'rm -rf "$RESULTS"' EXIT
for round in $(seq "$ROUNDS"); do
    for i in $(seq $#); do
        binary=${!i}
        # normalise prints `RESULT ... load_ms=N`; GNU time writes the
        # process's user seconds to a file of its own.
        load_ms=$(/usr/bin/time -f %U -o "$RESULTS/user" "$binary" "$KIND" "$FILE" 2>/dev/null |
            sed -n 's/.*load_ms=\([0-9.]*\).*/\1/p')
        [ -n "$load_ms" ] || { echo "interleave.sh: $binary printed no load_ms (round $round)" >&2; exit 1; }
        echo "$load_ms $(cat "$RESULTS/user")" >> "$RESULTS/$i"
    done
done

median() { sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
mb=$(awk -v b="$(stat -c %s "$FILE")" 'BEGIN {printf "%.1f", b / 1e6}')
echo "$FILE ($mb MB), $ROUNDS rounds, builds alternating"
for i in $(seq $#); do
    binary=${!i}
    wall=$(cut -d' ' -f1 "$RESULTS/$i" | median)
    low=$(cut -d' ' -f1 "$RESULTS/$i" | sort -n | head -1)
    high=$(cut -d' ' -f1 "$RESULTS/$i" | sort -n | tail -1)
    user=$(cut -d' ' -f2 "$RESULTS/$i" | median)
    rate=$(awk -v mb="$mb" -v ms="$wall" 'BEGIN {printf "%.0f", mb / ms * 1000}')
    echo "$binary: load $wall ms median ($low-$high), $rate MB/s, user CPU $user s median"
done
