# G1 Continuous integration (policies/ci/src/*.rs) written in Rego, as a
# user of OPA or regorus would write it, for the side-by-side benchmark
# (benches/compare.sh, docs/performance.md).
#
# input: a regops evidence bundle (`regops evidence --config regops.toml`,
#        schema regops.evidence/v1): the same normalised evidence, with VEX
#        statements already merged onto the vulnerabilities.
# data.config: {"safety_class": "A"|"B"|"C", "params": {name: value}}
#        (`params` override the class defaults below, as regops.toml does).
#
# data.regops.g1.report: {"outcome", "checks": {id: {outcome, measured,
# subjects}}}; data.regops.g1.failing: the ids of the failing checks.
# Outcomes, measured values and subjects follow the Rust gate check for
# check; messages, clauses and locations are left out.

package regops.g1

import rego.v1

defaults := {
	"A": {
		"line-coverage": 0, "branch-coverage": 0, "allow-skipped-tests": true,
		"max-error-findings": 0, "require-suppression-justification": false,
		"require-vulnerability-scan": false, "vulnerability-severity": "critical",
		"allow-flaky-tests": true, "require-sbom": true, "require-component-hashes": false,
		"require-soup-register": false, "require-soup-review": false,
	},
	"B": {
		"line-coverage": 0.7, "branch-coverage": 0, "allow-skipped-tests": false,
		"max-error-findings": 0, "require-suppression-justification": false,
		"require-vulnerability-scan": true, "vulnerability-severity": "high",
		"allow-flaky-tests": true, "require-sbom": true, "require-component-hashes": false,
		"require-soup-register": true, "require-soup-review": true,
	},
	"C": {
		"line-coverage": 0.8, "branch-coverage": 0.7, "allow-skipped-tests": false,
		"max-error-findings": 0, "require-suppression-justification": true,
		"require-vulnerability-scan": true, "vulnerability-severity": "medium",
		"allow-flaky-tests": false, "require-sbom": true, "require-component-hashes": true,
		"require-soup-register": true, "require-soup-review": true,
	},
}

class := object.get(data, ["config", "safety_class"], "B")

params := object.union(defaults[class], object.get(data, ["config", "params"], {}))

available contains f.kind if some f in input.files

blank(x) if x == null

blank(x) if {
	is_string(x)
	trim_space(x) == ""
}

check(outcome, measured, subjects) := {"outcome": outcome, "measured": measured, "subjects": subjects}

# --- Verification: tests-pass, tests-skipped, tests-flaky

tests := object.get(input, "tests", [])

bad_tests := [t.id | some t in tests; t.status in {"failed", "errored"}]

skipped_tests := [t.id | some t in tests; t.status == "skipped"]

flaky_tests := [t.id | some t in tests; t.status == "passed"; t.flaky == true]

tests_pass := check("fail", count(bad_tests), []) if {
	count(tests) == 0
} else := check("pass", 0, []) if {
	count(bad_tests) == 0
} else := check("fail", count(bad_tests), bad_tests)

tests_skipped := check("pass", 0, []) if {
	count(skipped_tests) == 0
} else := check("pass", count(skipped_tests), []) if {
	params["allow-skipped-tests"]
} else := check("fail", count(skipped_tests), skipped_tests)

tests_flaky := check("pass", 0, []) if {
	count(flaky_tests) == 0
} else := check("pass", count(flaky_tests), []) if {
	params["allow-flaky-tests"]
} else := check("fail", count(flaky_tests), flaky_tests)

# --- Coverage: line-coverage, branch-coverage

coverage := object.get(input, "coverage", [])

line_counts := {
	"covered": sum([c.lines.covered | some c in coverage]),
	"total": sum([c.lines.total | some c in coverage]),
}

# Files without branch data do not count; no file with it: nothing measured.
branch_files := [c.branches | some c in coverage; c.branches]

branch_counts := {
	"covered": sum([b.covered | some b in branch_files]),
	"total": sum([b.total | some b in branch_files]),
}

coverage_check(counts, threshold) := check("fail", null, []) if {
	counts.total == 0
	threshold > 0
} else := check("pass", null, []) if {
	counts.total == 0
} else := check("pass", counts.covered / counts.total, []) if {
	threshold <= 0
} else := check("pass", counts.covered / counts.total, []) if {
	counts.covered / counts.total >= threshold
} else := check("fail", counts.covered / counts.total, [])

line_coverage := coverage_check(line_counts, params["line-coverage"])

branch_coverage := coverage_check(branch_counts, params["branch-coverage"])

# --- Static analysis: static-analysis, suppressions-justified

findings := object.get(input, "findings", [])

# SARIF §3.34: suppressed when it has suppressions and all are accepted.
suppressed(f) if {
	count(f.suppressions) > 0
	every s in f.suppressions {
		s.status == "accepted"
	}
}

finding_file(f) := f.location.file if {
	f.location.file
} else := f.evidence

finding_subject(f) := sprintf("%s/%s@%s#%s", [f.tool, f.rule, finding_file(f), f.fingerprint]) if {
	f.fingerprint
} else := sprintf("%s/%s@%s:%d", [f.tool, f.rule, f.location.file, f.location.line]) if {
	f.location.line
} else := sprintf("%s/%s@%s", [f.tool, f.rule, finding_file(f)])

error_findings := [finding_subject(f) |
	some f in findings
	f.level == "error"
	not suppressed(f)
]

static_analysis := check("pass", count(error_findings), []) if {
	count(error_findings) <= params["max-error-findings"]
} else := check("fail", count(error_findings), error_findings)

unjustified(f) if {
	some s in f.suppressions
	blank(object.get(s, "justification", null))
}

unjustified_findings := [finding_subject(f) | some f in findings; suppressed(f); unjustified(f)]

suppressions_justified := check("pass", 0, []) if {
	count(unjustified_findings) == 0
} else := check("fail", count(unjustified_findings), unjustified_findings) if {
	params["require-suppression-justification"]
} else := check("pass", count(unjustified_findings), unjustified_findings)

# --- Supply chain: sbom-identification, soup-register, soup-reviewed,
#     vulnerabilities, vex-justified

components := object.get(input, "components", [])

component_subject(c) := c.purl if {
	c.purl
} else := sprintf("%s@%s", [c.name, c.version]) if {
	c.version
} else := c.name

missing_identification(c) if blank(object.get(c, "version", null))

missing_identification(c) if blank(object.get(c, "purl", null))

missing_identification(c) if {
	params["require-component-hashes"]
	count(c.hashes) == 0
}

incomplete := [component_subject(c) | some c in components; missing_identification(c)]

sbom_identification := check("fail", null, []) if {
	not "components" in available
	params["require-sbom"]
} else := check("pass", null, []) if {
	not "components" in available
} else := check("fail", 0, []) if {
	count(components) == 0
} else := check("pass", 0, []) if {
	count(incomplete) == 0
} else := check("fail", count(incomplete), incomplete)

soup := object.get(input, "soup", [])

normalise(name) := replace(replace(lower(trim_space(name)), "_", "-"), ".", "-")

purl_end(p) := min(ends) if {
	ends := [i | some ch in ["@", "?", "#"]; i := indexof(p, ch); i >= 0]
	count(ends) > 0
} else := count(p)

purl_base(p) := lower(substring(p, 0, purl_end(p)))

names_package(item, c) if {
	startswith(item.package, "pkg:")
	c.purl
	purl_base(c.purl) == purl_base(item.package)
}

names_package(item, c) if {
	not startswith(item.package, "pkg:")
	normalise(item.package) == normalise(c.name)
}

candidates(c) := [item | some item in soup; names_package(item, c)]

# The register entry for a component: one at its version, else the first
# naming its package; [entry, version matches].
register_entry(c) := [matching[0], true] if {
	matching := [item | some item in candidates(c); c.version == trim_space(item.version)]
	count(matching) > 0
} else := [candidates(c)[0], false]

unregistered := [component_subject(c) | some c in components; count(candidates(c)) == 0]

other_version := [component_subject(c) |
	some c in components
	entry := register_entry(c)
	entry[1] == false
]

register_not_met := "fail" if params["require-soup-register"] else := "warn"

soup_register := check("pass", null, []) if {
	not "components" in available
} else := check(register_not_met, null, []) if {
	not "soup" in available
} else := check("pass", 0, []) if {
	count(unregistered) + count(other_version) == 0
} else := check(register_not_met, count(unregistered) + count(other_version), array.concat(unregistered, other_version))

shipped_components := components if "components" in available else := []

shipped := {[item.package, item.version]: item | some item in soup} if {
	count(shipped_components) == 0
} else := {[e[0].package, e[0].version]: e[0] | some c in shipped_components; e := register_entry(c)}

unreviewed_item(item) if {
	every r in object.get(item, "reviewed_by", []) {
		blank(r)
	}
}

unreviewed_item(item) if not item.anomalies_reviewed

unreviewed := [sprintf("%s@%s", [item.package, item.version]) | some item in shipped; unreviewed_item(item)]

soup_reviewed := check("pass", null, []) if {
	not "soup" in available
} else := check("pass", 0, []) if {
	count(unreviewed) == 0
} else := check("fail", count(unreviewed), unreviewed) if {
	params["require-soup-review"]
} else := check("warn", count(unreviewed), unreviewed)

rank := {"none": 0, "low": 1, "medium": 2, "high": 3, "critical": 4, "unknown": 4}

cleared(v) if v.assessment.status == "fixed"

cleared(v) if {
	v.assessment.status == "not_affected"
	not blank(object.get(v.assessment, "justification", null))
}

open_vulnerabilities := [v.id |
	some v in object.get(input, "vulnerabilities", [])
	rank[v.severity] >= rank[params["vulnerability-severity"]]
	not cleared(v)
]

vulnerabilities := check("fail", null, []) if {
	not "vulnerabilities" in available
	params["require-vulnerability-scan"]
} else := check("pass", null, []) if {
	not "vulnerabilities" in available
} else := check("pass", 0, []) if {
	count(open_vulnerabilities) == 0
} else := check("fail", count(open_vulnerabilities), open_vulnerabilities)

bare_vex := [s.vulnerability |
	some s in object.get(input, "vex", [])
	s.assessment.status == "not_affected"
	blank(object.get(s.assessment, "justification", null))
]

vex_justified := check("pass", null, []) if {
	not "vex" in available
} else := check("pass", 0, []) if {
	count(bare_vex) == 0
} else := check("fail", count(bare_vex), bare_vex)

# --- The verdict

checks := {
	"tests-pass": tests_pass,
	"tests-skipped": tests_skipped,
	"tests-flaky": tests_flaky,
	"line-coverage": line_coverage,
	"branch-coverage": branch_coverage,
	"static-analysis": static_analysis,
	"suppressions-justified": suppressions_justified,
	"sbom-identification": sbom_identification,
	"soup-register": soup_register,
	"soup-reviewed": soup_reviewed,
	"vulnerabilities": vulnerabilities,
	"vex-justified": vex_justified,
}

failing := sort([id | some id, c in checks; c.outcome == "fail"])

outcome := "fail" if count(failing) > 0 else := "warn" if {
	some c in checks
	c.outcome == "warn"
} else := "pass"

report := {"outcome": outcome, "checks": checks}
