#!/usr/bin/env bash
# Rewrites reports/: the verdicts of G1–G4 on the release commit, as the
# pipeline's earlier jobs save them for G5. Run after changing the evidence.
#
#   bash examples/infusense/regen-reports.sh [path/to/regops]
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REGOPS="${1:-$HERE/../../target/debug/regops}"
cd "$HERE"
export GITHUB_SHA=8d3f5a2c9e1b7d4f6a0c3e5b8d2f4a6c1e9b7d3f
n=1
for gate in ci change deployment integration; do
  "$REGOPS" check --gate "$gate" --date 2026-11-21 --format json --output "reports/g$n-$gate.json" >/dev/null
  n=$((n + 1))
done
