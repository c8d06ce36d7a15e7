#!/usr/bin/env bash
# Normalisation time and peak memory per evidence file, on the large generated
# set (100k tests per JUnit dialect, 1M Cobertura lines, 50k SARIF results,
# 10k CycloneDX components, 2k pip-audit vulnerabilities). Prints a markdown
# table; docs/performance.md records its output.
#
#   benches/run.sh                  # release build, generate, measure
#   RUNS=5 benches/run.sh           # best of 5 instead of 3
#   OUT=/tmp/ev KEEP=1 benches/run.sh   # keep the generated files in /tmp/ev
#
# Needs GNU time (`apt-get install -y time`) for peak RSS.
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS=${RUNS:-3}
TIME=/usr/bin/time
if ! [ -x "$TIME" ]; then
    echo "run.sh: $TIME not found; install GNU time: apt-get update && apt-get install -y time" >&2
    exit 2
fi

export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-target}
cargo build --release --quiet -p regops-bench
BIN="$CARGO_TARGET_DIR/release"

if [ -n "${OUT:-}" ]; then
    mkdir -p "$OUT"
else
    OUT=$(mktemp -d)
fi
LOG=$(mktemp)
trap 'rm -f "$LOG" "$LOG.out"; [ -n "${KEEP:-}" ] || rm -rf "$OUT"' EXIT
"$BIN/gen-evidence" --size large --out "$OUT" >&2

echo "| file | format | size MB | records | wall ms (best of $RUNS) | CPU ms | MB/s | peak RSS MB | RSS / size |"
echo "|---|---|---:|---:|---:|---:|---:|---:|---:|"
for spec in \
    "tests junit-pytest.xml junit" \
    "tests junit-surefire.xml junit" \
    "coverage coverage.xml cobertura" \
    "findings codeql.sarif sarif" \
    "sbom bom.cdx.json cyclonedx-json" \
    "vulnerabilities pip-audit.json pip-audit"; do
    read -r kind file format <<<"$spec"
    path="$OUT/$file"
    size=$(stat -c %s "$path")
    best_ms="" best_cpu="" rss_kb=0 records="" unsupported=""
    for _ in $(seq "$RUNS"); do
        if ! "$TIME" -v "$BIN/normalise" "--$kind" "$path" >"$LOG.out" 2>"$LOG"; then
            unsupported=$(grep '^normalise:' "$LOG" | head -1 | cut -c1-160)
            break
        fi
        read -r records ms < <(awk -F'[ =]' '/^RESULT/ {print $5, $7}' "$LOG.out")
        cpu=$(awk -F': ' '/User time/ {u=$2} /System time/ {s=$2} END {printf "%.0f", (u + s) * 1000}' "$LOG")
        kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$LOG")
        if [ -z "$best_ms" ] || awk -v a="$ms" -v b="$best_ms" 'BEGIN {exit !(a < b)}'; then
            best_ms=$ms
            best_cpu=$cpu
        fi
        [ "$kb" -gt "$rss_kb" ] && rss_kb=$kb
    done
    if [ -n "$unsupported" ]; then
        awk -v f="$file" -v fmt="$format" -v s="$size" -v why="$unsupported" 'BEGIN {
            printf "| %s | %s | %.1f | — | — | — | — | — | — (%s) |\n", f, fmt, s / 1e6, why }'
        continue
    fi
    awk -v f="$file" -v fmt="$format" -v s="$size" -v r="$records" -v ms="$best_ms" \
        -v cpu="$best_cpu" -v kb="$rss_kb" 'BEGIN {
        printf "| %s | %s | %.1f | %d | %.0f | %d | %.0f | %.1f | %.2f |\n",
            f, fmt, s / 1e6, r, ms, cpu, (s / 1e6) / (ms / 1000), kb / 1024, kb * 1024 / s }'
done
