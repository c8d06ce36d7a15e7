//! Approvals recorded in git: `Approved-by:` trailers, optionally in signed
//! commits, as a seed-style SOP records them ("All approvers shall add a
//! signed commit with their name and roles appended to the table"). See
//! [`approvals_from_git`] for the syntax and the mapping.

use std::path::Path;
use std::process::Command;

use regops_evidence::{Approval, Decision};

use crate::error::Error;
use crate::roles::{RoleMap, identity_of_email};
use crate::trailers;

/// Fields per commit in the `git log` output.
const FIELDS: usize = 6;

/// Reads `Approved-by:` trailers from the commits of `range` (anything
/// `git log` accepts: `v1.2.0..HEAD`, a SHA, `main`) in the repository at
/// `repo_dir`: approvals recorded as a seed-style SOP asks ("All approvers
/// shall add a signed commit with their name and roles appended to the
/// table"), the approver's commit carrying an `Approved-by:` trailer.
/// Returns them newest commit first, trailers in written order.
///
/// `roles` must have its teams expanded ([`RoleMap::resolve`]) if it names
/// any. Runs `git log -z` with NUL-separated fields, so no commit message
/// can break the parse.
///
/// # Trailer syntax
///
/// ```text
/// Approved-by: Full Name <email> (role)
/// Approved-by: Full Name <email> (role-a, role-b)
/// Approved-by: Full Name <email>
/// ```
///
/// in the trailer block (the last paragraph) of a commit message. The name
/// and `<email>` are required; the parenthesised role list is optional. Any
/// other shape after the address is an error (fail closed: a typo must not
/// silently drop an approval). Several trailers may appear in one commit.
///
/// Each trailer becomes one [`Approval`]:
///
/// - `who`: the approver's identity: the GitHub login for a noreply address
///   (`ID+login@users.noreply.github.com`), else the lowercased email;
/// - `roles`: the roles `[roles]` gives that email (or noreply login); when
///   the trailer names roles, only those of them the configuration grants
///   (a claimed role is never taken on the committer's word);
/// - `decision`: approved; `commit`: the commit carrying the trailer;
///   `timestamp`: its committer date (ISO 8601 with offset);
///   `source`: `commit-trailer:<sha>`;
/// - `signature_verified`: true only when git reports a good signature
///   (`%G?` = `G`: valid and from a trusted key) *and* the signer (`%GS`,
///   the key's user id or SSH principal) carries the approver's own email
///   address: a signed commit proves who signed it, not who is named in it.
pub fn approvals_from_git(
    repo_dir: &Path,
    range: &str,
    roles: &RoleMap,
) -> Result<Vec<Approval>, Error> {
    roles.ensure_resolved()?;
    let fail = |detail: String| Error::Git {
        repo: repo_dir.to_path_buf(),
        range: range.to_string(),
        detail,
    };
    let range = range.trim();
    if range.is_empty() || range.starts_with('-') {
        return Err(fail(
            "the range must be a revision or range such as `v1.2.0..HEAD`, not empty or an option"
                .to_string(),
        ));
    }
    let output = Command::new("git")
        .arg("-C")
        .arg(repo_dir)
        .args([
            "-c",
            "log.showSignature=false",
            "log",
            "-z",
            "--format=%H%x00%G?%x00%GS%x00%GK%x00%cI%x00%B",
            range,
            "--",
        ])
        .output()
        .map_err(|e| fail(format!("cannot run git: {e}; install git on the runner")))?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        return Err(fail(format!(
            "git exited with {}: {}; check the path is a git repository with full history \
             (actions/checkout `fetch-depth: 0`) and the range exists",
            output.status,
            stderr.trim()
        )));
    }
    let stdout = String::from_utf8(output.stdout)
        .map_err(|_| fail("git log printed text that is not UTF-8".to_string()))?;
    parse_log(&stdout, roles).map_err(|e| match e {
        ParseError::Shape(detail) => fail(detail),
        ParseError::Trailer(e) => e,
    })
}

enum ParseError {
    Shape(String),
    Trailer(Error),
}

fn parse_log(stdout: &str, roles: &RoleMap) -> Result<Vec<Approval>, ParseError> {
    // `-z` ends each commit with NUL and the format separates fields with
    // NUL: a flat list, FIELDS per commit. Messages cannot contain NUL.
    let mut fields: Vec<&str> = stdout.split('\0').collect();
    if fields.last() == Some(&"") {
        fields.pop();
    }
    if !fields.len().is_multiple_of(FIELDS) {
        return Err(ParseError::Shape(format!(
            "unexpected git log output ({} fields, not a multiple of {FIELDS})",
            fields.len()
        )));
    }
    let mut approvals = Vec::new();
    for commit in fields.chunks(FIELDS) {
        let [sha, status, signer, _key, date, message] = commit else {
            unreachable!("chunks of FIELDS");
        };
        let sha = sha.trim_start_matches('\n');
        if !((sha.len() == 40 || sha.len() == 64) && sha.bytes().all(|b| b.is_ascii_hexdigit())) {
            return Err(ParseError::Shape(format!(
                "unexpected git log output: `{sha}` is not a commit id"
            )));
        }
        let trailers = trailers::trailers(message);
        let mut seen: Vec<String> = Vec::new();
        for value in trailers::values(&trailers, "Approved-by") {
            let parsed = trailers::approved_by(value).map_err(|reason| {
                ParseError::Trailer(Error::Trailer {
                    commit: sha.to_string(),
                    trailer: format!("Approved-by: {value}"),
                    reason,
                })
            })?;
            let who = identity_of_email(&parsed.email);
            if seen.contains(&who) {
                continue;
            }
            seen.push(who.clone());
            let granted = roles.roles_of_email(&parsed.email);
            let roles = if parsed.roles.is_empty() {
                granted
            } else {
                let mut claimed: Vec<String> = granted
                    .into_iter()
                    .filter(|g| parsed.roles.iter().any(|c| c.eq_ignore_ascii_case(g)))
                    .collect();
                claimed.sort();
                claimed
            };
            approvals.push(Approval {
                who,
                roles,
                decision: Decision::Approved,
                commit: Some(sha.to_ascii_lowercase()),
                timestamp: Some(date.trim().to_string()).filter(|d| !d.is_empty()),
                source: format!("commit-trailer:{sha}"),
                signature_verified: *status == "G" && signed_by(signer, &parsed.email),
            });
        }
    }
    Ok(approvals)
}

/// Whether git's signer text (`%GS`: `Name <email>` for OpenPGP, the
/// principal for SSH) names `email`.
fn signed_by(signer: &str, email: &str) -> bool {
    let signer = signer.trim();
    let email = email.trim();
    if signer.eq_ignore_ascii_case(email) {
        return true;
    }
    trailers::person(signer)
        .is_some_and(|(_, signer_email, _)| signer_email.eq_ignore_ascii_case(email))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signer_must_be_the_approver() {
        assert!(signed_by(
            "Alice Example <alice@example.com>",
            "Alice@Example.com"
        ));
        assert!(signed_by("alice@example.com", "alice@example.com"));
        assert!(!signed_by(
            "Mallory <mallory@example.com>",
            "alice@example.com"
        ));
        assert!(!signed_by("", "alice@example.com"));
    }

    #[test]
    fn parses_flat_nul_separated_log() {
        let roles = RoleMap::new([("release-authority", ["alice@example.com"])]).unwrap();
        let sha = "a".repeat(40);
        let log = format!(
            "{sha}\0G\0Alice Example <alice@example.com>\0KEY\02024-05-01T12:00:00+02:00\0Approve\n\nApproved-by: Alice Example <alice@example.com> (release-authority, reviewer)\n\0"
        );
        let approvals = parse_log(&log, &roles).ok().unwrap();
        assert_eq!(approvals.len(), 1);
        assert_eq!(approvals[0].roles, vec!["release-authority"]);
        assert!(approvals[0].signature_verified);
        assert_eq!(
            approvals[0].timestamp.as_deref(),
            Some("2024-05-01T12:00:00+02:00")
        );
    }
}
