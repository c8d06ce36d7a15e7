#!/usr/bin/env bash
# Regenerate the tool output in evidence/ (JUnit, coverage, bandit, SBOM,
# benchmarks) from scratch with pinned tool versions.
#
#   bash examples/infusense/regen.sh
#
# The tools run from this directory so the paths they write into the evidence
# files are relative (src/infusense/..., tests/...). The virtualenv, the
# coverage data file and all caches live outside the repository. Only the files
# listed in README-evidence.md are written; the other records in evidence/ are
# kept by hand and left alone.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
VENV="${INFUSENSE_VENV:-/tmp/infusense-regen-venv}"
PYTHON="${PYTHON:-python3}"

# Pinned tool versions: keep in step with the provenance table in README-evidence.md.
TOOLS=(
  "pytest==9.2.0"
  "pluggy==1.7.0"
  "iniconfig==2.3.1"
  "coverage==7.17.3"
  "pytest-benchmark==5.3.1"
  "py-cpuinfo2==10.1.1"
  "bandit[sarif]==1.9.4"
  "sarif-om==1.0.4"
  "jschema-to-python==1.2.3"
  "cyclonedx-bom==7.5.0"
)

if [ ! -x "$VENV/bin/python" ]; then
  "$PYTHON" -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install --quiet --upgrade pip
"$VENV/bin/python" -m pip install --quiet "${TOOLS[@]}"
"$VENV/bin/python" -m pip install --quiet --require-hashes -r "$HERE/requirements.txt"

cd "$HERE"
mkdir -p evidence
export PYTHONDONTWRITEBYTECODE=1
export COVERAGE_FILE="${TMPDIR:-/tmp}/infusense.coverage"
rm -f "$COVERAGE_FILE"

# 1. Unit tests, then integration tests, each to its own JUnit file (xunit1
#    family: file/line attributes, and the family record_property is meant
#    for), both under coverage.py with branch coverage; the second run appends
#    to the first run's data, so coverage.xml covers both. pytest-benchmark is
#    switched off here (it would only create an empty .benchmarks/ folder).
"$VENV/bin/coverage" run --branch -m pytest -p no:cacheprovider -p no:benchmark \
  --ignore=tests/integration --ignore=tests/perf \
  --junitxml=evidence/junit-unit.xml -o junit_family=xunit1
"$VENV/bin/coverage" run --branch --append -m pytest -p no:cacheprovider -p no:benchmark tests/integration \
  --junitxml=evidence/junit-integration.xml -o junit_family=xunit1
"$VENV/bin/coverage" xml -o evidence/coverage.xml
"$VENV/bin/coverage" report
rm -f "$COVERAGE_FILE"

# 2. Static analysis. bandit exits 1 whenever it reports an issue; this code
#    has none, so a non-zero exit is an error here.
rm -f evidence/bandit.sarif
"$VENV/bin/bandit" -r src -f sarif -o evidence/bandit.sarif
test -s evidence/bandit.sarif

# 3. The SBOM of the runtime dependencies (the SOUP).
"$VENV/bin/cyclonedx-py" requirements --pyproject pyproject.toml --output-reproducible --sv 1.6 \
  -o evidence/sbom.cdx.json requirements.txt

# 4. Capacity benchmarks (not part of the requirement evidence: no JUnit).
"$VENV/bin/python" -m pytest -p no:cacheprovider tests/perf \
  --benchmark-storage="file://${TMPDIR:-/tmp}/infusense-benchmarks" \
  --benchmark-min-rounds=5 --benchmark-max-time=0.5 --benchmark-json=evidence/benchmark.json

find . -name __pycache__ -type d -prune -exec rm -rf {} +
ls -l evidence/junit-unit.xml evidence/junit-integration.xml evidence/coverage.xml \
  evidence/bandit.sarif evidence/sbom.cdx.json evidence/benchmark.json
