#!/usr/bin/env bash
# Regenerate every file in evidence/ from scratch with pinned tool versions.
#
#   bash examples/cardiosense/regen.sh
#
# The tools run from this directory so the paths they write into the evidence
# files are relative (src/cardiosense/..., tests/...). The virtualenv, the
# coverage data file and all caches live outside the repository.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
VENV="${CARDIOSENSE_VENV:-/tmp/cardiosense-regen-venv}"
PYTHON="${PYTHON:-python3}"

# Pinned tool versions: keep in step with the provenance table in README.md.
TOOLS=(
  "pytest==9.2.0"
  "pluggy==1.7.0"
  "iniconfig==2.3.1"
  "coverage==7.17.3"
  "bandit[sarif]==1.9.4"
  "sarif-om==1.0.4"
  "jschema-to-python==1.2.3"
  "pip-audit==2.10.1"
)

if [ ! -x "$VENV/bin/python" ]; then
  "$PYTHON" -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install --quiet --upgrade pip
"$VENV/bin/python" -m pip install --quiet "${TOOLS[@]}" -r "$HERE/requirements.txt"

cd "$HERE"
mkdir -p evidence
export PYTHONDONTWRITEBYTECODE=1
export COVERAGE_FILE="${TMPDIR:-/tmp}/cardiosense.coverage"
rm -f "$COVERAGE_FILE"

# 1. Tests + coverage in one run: JUnit (xunit1 family, which carries file/line
#    attributes and is the family record_property is meant for) and Cobertura.
"$VENV/bin/coverage" run --branch -m pytest -p no:cacheprovider \
  --junitxml=evidence/junit.xml -o junit_family=xunit1
"$VENV/bin/coverage" xml -o evidence/coverage.xml
"$VENV/bin/coverage" report
rm -f "$COVERAGE_FILE"

# 2. Static analysis: bandit exits 1 whenever it reports any issue (the example
#    has one low-severity B101 note), so only fail if no SARIF was written.
rm -f evidence/bandit.sarif
"$VENV/bin/bandit" -r src -f sarif -o evidence/bandit.sarif || true
test -s evidence/bandit.sarif

# 2b. The SBOM of the runtime dependencies.
"$VENV/bin/pip" install --quiet "cyclonedx-bom==7.5.0"
"$VENV/bin/cyclonedx-py" requirements --pyproject pyproject.toml --output-reproducible --sv 1.6 \
  -o evidence/sbom.cdx.json requirements.txt

# 3. Dependency vulnerabilities. pip-audit asks PyPI's per-version JSON API
#    (https://pypi.org/pypi/<name>/<version>/json); where that is unreachable it
#    marks every dependency with "skip_reason" and still exits 0, which would
#    look like a clean report. Refuse to keep such output.
tmp_audit="$(mktemp)"
"$VENV/bin/pip-audit" -r requirements.txt -f json --progress-spinner off -o "$tmp_audit" || true
if "$VENV/bin/python" - "$tmp_audit" <<'PY'
import json, sys
data = json.load(open(sys.argv[1]))
deps = data.get("dependencies", [])
skipped = [d["name"] for d in deps if "skip_reason" in d]
if not deps or skipped:
    print(f"pip-audit could not audit: {skipped or 'no dependencies'}", file=sys.stderr)
    sys.exit(1)
PY
then
  mv "$tmp_audit" evidence/pip-audit.json
else
  rm -f "$tmp_audit" evidence/pip-audit.json
  echo "WARNING: evidence/pip-audit.json not written (vulnerability service unreachable)" >&2
fi

find . -name __pycache__ -type d -prune -exec rm -rf {} +
ls -l evidence
