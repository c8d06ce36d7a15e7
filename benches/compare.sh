#!/usr/bin/env bash
# regops against the policy engine a user would pick instead: the G1 gate
# written in Rego (benches/rego/g1.rego) evaluated by regorus (`rego-g1`), on
# the same generated evidence. docs/performance.md records its output.
#
#   benches/compare.sh                       # release build, small + large, 5 runs each
#   RUNS=10 SIZES=small benches/compare.sh   # more runs, one size
#   OUT=/tmp/cmp KEEP=1 benches/compare.sh   # keep the sets, bundles and reports in /tmp/cmp
#
# For each size it:
#  1. generates the set with a few injected faults (`gen-evidence --faults
#     few`: 3 failing tests, coverage below 70 %, 2 error findings, 1
#     unassessed high vulnerability) and saves its evidence bundle
#     (`regops evidence --config regops.toml > bundle.json`);
#  2. checks before timing anything that regops (from the files and from the
#     bundle) and regorus reach the same verdict, check by check (outcome,
#     measured value, subjects; `rego-g1 --compare`), and stops otherwise;
#  3. times whole processes with hyperfine (median of RUNS after a warm-up;
#     user and system CPU are hyperfine's means) and measures peak RSS with
#     GNU time (median of RUNS):
#       regops-files   regops check --config regops.toml --gate ci --format json
#       regops-bundle  regops check ... --evidence-bundle bundle.json
#       regorus        rego-g1 --bundle bundle.json (G1 only)
#     plus the parts regops' cost splits into (see docs/performance.md):
#       startup        regops --version (process start, no engine)
#       gate-load      regops policy list (wasmtime engine + the embedded,
#                      precompiled components deserialised + describe())
#       parse          normalise on the six files (in-process load time)
#       bundle-read    normalise --bundle (the host's bundle reader, in process)
#     and regorus' own split (TIMING line of rego-g1).
#  4. size `scale`: the line-level case, a Cobertura report of 5M lines
#     (`gen-evidence --size scale`, ~220 MB) parsed by `normalise`: MB/s from
#     the in-process load time and peak RSS, median of RUNS.
#
# Needs hyperfine and GNU time (`apt-get install -y hyperfine time`). The
# machine is shared: the script prints the load average before and after.
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS=${RUNS:-5}
SIZES=${SIZES:-small large scale}
for tool in hyperfine /usr/bin/time jq; do
    if ! command -v "$tool" >/dev/null; then
        echo "compare.sh: $tool not found (apt-get install -y hyperfine time jq)" >&2
        exit 2
    fi
done

export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-target}
cargo build --release --quiet -p regops -p regops-bench
BIN=$(cd "$CARGO_TARGET_DIR/release" && pwd)

if [ -n "${OUT:-}" ]; then
    mkdir -p "$OUT"
else
    OUT=$(mktemp -d)
fi
trap '[ -n "${KEEP:-}" ] || rm -rf "$OUT"' EXIT

# The overrides gen-evidence writes into regops.toml (no SOUP register).
REGO_PARAMS=(--param require-soup-register=false --param require-soup-review=false)

# median of numbers, one per line
median() { sort -g | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }

# peak RSS in MB of a command, median of RUNS
peak_rss() {
    for _ in $(seq "$RUNS"); do
        /usr/bin/time -f '%M' -o "$OUT/time.txt" "$@" >/dev/null 2>&1 || true
        tail -1 "$OUT/time.txt"
    done | median | awk '{printf "%.1f", $1 / 1024}'
}

# in-process times (ms) a command prints as `key=value`: runs it RUNS times
# and prints `key=median` for each key
inner_ms() {
    local keys=$1 log
    shift
    log=$(mktemp)
    for _ in $(seq "$RUNS"); do
        "$@" >>"$log" 2>&1 || true
    done
    for key in $keys; do
        printf '%s=%s ' "$key" "$(grep -o "$key=[0-9.]*" "$log" | cut -d= -f2 | median)"
    done
    echo
    rm -f "$log"
}

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD -- benches host policies wit 2>/dev/null || echo ' (work tree differs)'), $(rustc --version), $(nproc) CPUs, $(date -u +%F)"
for size in $SIZES; do
    dir="$OUT/$size"
    if [ "$size" = scale ]; then
        "$BIN/gen-evidence" --size scale --out "$dir" >&2
        mb=$(stat -c %s "$dir/coverage.xml" | awk '{printf "%.1f", $1 / 1e6}')
        ms=$(inner_ms load_ms "$BIN/normalise" --coverage "$dir/coverage.xml" | cut -d= -f2 | tr -d " ")
        echo
        echo "## scale: line-level Cobertura, ${mb} MB, 5M lines"
        echo "parse: ${ms} ms (median of $RUNS), $(awk -v mb="$mb" -v ms="$ms" 'BEGIN {printf "%.0f", mb / (ms / 1000)}') MB/s; peak RSS $(peak_rss "$BIN/normalise" --coverage "$dir/coverage.xml") MB"
        rm -f "$dir/coverage.xml"
        continue
    fi
    "$BIN/gen-evidence" --size "$size" --faults few --out "$dir" >&2
    cfg="$dir/regops.toml"
    "$BIN/regops" evidence --config "$cfg" >"$dir/bundle.json"
    bundle_mb=$(stat -c %s "$dir/bundle.json" | awk '{printf "%.1f", $1 / 1e6}')
    files=()
    while read -r key file; do
        case $key in
            tests) files+=(--tests "$dir/$file") ;;
            coverage) files+=(--coverage "$dir/$file") ;;
            findings) files+=(--findings "$dir/$file") ;;
            sbom) files+=(--sbom "$dir/$file") ;;
            vulnerabilities) files+=(--vulnerabilities "$dir/$file") ;;
            vex) files+=(--vex "$dir/$file") ;;
        esac
    done < <(sed -n 's/^\([a-z]*\) = \["\(.*\)"\]$/\1 \2/p' "$cfg")
    files_mb=$(cd "$dir" && sed -n 's/^[a-z]* = \["\(.*\)"\]$/\1/p' regops.toml | xargs stat -c %s | awk '{s += $1} END {printf "%.1f", s / 1e6}')

    # 2. Agreement before timing: regops from files, from the bundle, regorus.
    "$BIN/regops" check --config "$cfg" --gate ci --format json --date 2026-11-22 >"$dir/report-files.json" || [ $? -eq 1 ]
    "$BIN/regops" check --config "$cfg" --evidence-bundle "$dir/bundle.json" --gate ci --format json \
        --date 2026-11-22 >"$dir/report-bundle.json" || [ $? -eq 1 ]
    if ! cmp -s <(jq -S .gates "$dir/report-files.json") <(jq -S .gates "$dir/report-bundle.json"); then
        echo "compare.sh: $size: regops judges the bundle differently from the files" >&2
        exit 1
    fi
    "$BIN/rego-g1" --bundle "$dir/bundle.json" "${REGO_PARAMS[@]}" --compare "$dir/report-files.json" \
        >"$dir/rego-failing.txt" 2>"$dir/rego-compare.txt" || {
        cat "$dir/rego-compare.txt" >&2
        echo "compare.sh: $size: regops and regorus disagree; not timing" >&2
        exit 1
    }
    echo
    echo "## $size: ${files_mb} MB of evidence files, bundle ${bundle_mb} MB"
    grep -h 'agree' "$dir/rego-compare.txt"
    echo "failing (regops): $(jq -r '[.gates[0].checks[] | select(.outcome == "fail") | .id] | sort | join(" ")' "$dir/report-files.json")"
    echo "failing (regorus): $(tr '\n' ' ' <"$dir/rego-failing.txt")"
    echo "regops fuel consumed: $(jq '.gates[0].fuel_consumed' "$dir/report-files.json")"

    # 3. Whole processes.
    hyperfine --runs "$RUNS" --warmup 1 -i --style none --export-json "$dir/hyperfine.json" \
        -n regops-files "$BIN/regops check --config $cfg --gate ci --format json" \
        -n regops-bundle "$BIN/regops check --config $cfg --evidence-bundle $dir/bundle.json --gate ci --format json" \
        -n regorus "$BIN/rego-g1 --bundle $dir/bundle.json ${REGO_PARAMS[*]}" \
        -n startup "$BIN/regops --version" \
        -n gate-load "$BIN/regops policy list" >/dev/null
    declare -A rss
    rss[regops-files]=$(peak_rss "$BIN/regops" check --config "$cfg" --gate ci --format json)
    rss[regops-bundle]=$(peak_rss "$BIN/regops" check --config "$cfg" --evidence-bundle "$dir/bundle.json" --gate ci --format json)
    rss[regorus]=$(peak_rss "$BIN/rego-g1" --bundle "$dir/bundle.json" "${REGO_PARAMS[@]}")
    rss[startup]=$(peak_rss "$BIN/regops" --version)
    rss[gate-load]=$(peak_rss "$BIN/regops" policy list)
    echo
    echo "| $size | wall ms (median of $RUNS) | CPU ms (user + sys, mean) | peak RSS MB (median) |"
    echo "|---|---:|---:|---:|"
    for name in regops-files regops-bundle regorus startup gate-load; do
        jq -r --arg n "$name" --arg rss "${rss[$name]}" '.results[] | select(.command == $n) |
            "| \(.command) | \(.median * 1000 | round) | \((.user + .system) * 1000 | round) | \($rss) |"' \
            "$dir/hyperfine.json"
    done

    # The parts, in process.
    echo
    echo "regops parse (normalise, the six files): $(inner_ms load_ms "$BIN/normalise" "${files[@]}")"
    echo "regops bundle read (normalise --bundle): $(inner_ms load_ms "$BIN/normalise" --bundle "$dir/bundle.json")"
    echo "regorus (rego-g1 TIMING): $(inner_ms "read_ms parse_ms policy_ms eval_ms" "$BIN/rego-g1" --bundle "$dir/bundle.json" "${REGO_PARAMS[@]}")"
done
echo
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
