//! Git trailers (`Key: value` lines closing a commit message) and the two
//! this crate reads: `Co-authored-by:` and `Approved-by:`.
//!
//! The trailer block is the last paragraph of the message, when the message
//! has a body (a subject line alone has no trailers), as git and GitHub read
//! it. A line starting with whitespace continues the trailer above it. Keys
//! compare case-insensitively.

use std::sync::OnceLock;

use regex::Regex;

/// One trailer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Trailer {
    pub key: String,
    pub value: String,
}

/// The trailers of a commit message, in order.
pub(crate) fn trailers(message: &str) -> Vec<Trailer> {
    static LINE: OnceLock<Regex> = OnceLock::new();
    let line_re = LINE.get_or_init(|| {
        Regex::new(r"^([A-Za-z0-9][A-Za-z0-9-]*)[ \t]*:[ \t]*(.*)$").expect("valid regex")
    });
    let message = message.replace("\r\n", "\n");
    let mut paragraphs: Vec<Vec<&str>> = vec![Vec::new()];
    for line in message.lines() {
        if line.trim().is_empty() {
            if paragraphs.last().is_some_and(|p| !p.is_empty()) {
                paragraphs.push(Vec::new());
            }
        } else if let Some(paragraph) = paragraphs.last_mut() {
            paragraph.push(line);
        }
    }
    paragraphs.retain(|p| !p.is_empty());
    if paragraphs.len() < 2 {
        return Vec::new();
    }
    let mut found: Vec<Trailer> = Vec::new();
    let mut continues = false;
    for line in paragraphs.last().into_iter().flatten() {
        if line.starts_with([' ', '\t']) {
            if continues && let Some(last) = found.last_mut() {
                last.value.push(' ');
                last.value.push_str(line.trim());
            }
            continue;
        }
        match line_re.captures(line) {
            Some(c) => {
                found.push(Trailer {
                    key: c[1].to_string(),
                    value: c[2].trim().to_string(),
                });
                continues = true;
            }
            None => continues = false,
        }
    }
    found
}

/// The values of the trailers named `key` (case-insensitive).
pub(crate) fn values<'a>(trailers: &'a [Trailer], key: &str) -> Vec<&'a str> {
    trailers
        .iter()
        .filter(|t| t.key.eq_ignore_ascii_case(key))
        .map(|t| t.value.as_str())
        .collect()
}

/// `Name <email>` followed by anything: (name, email, rest).
pub(crate) fn person(value: &str) -> Option<(String, String, String)> {
    static PERSON: OnceLock<Regex> = OnceLock::new();
    let re = PERSON.get_or_init(|| {
        Regex::new(r"^(.*?)[ \t]*<([^<>\s@]+@[^<>\s@]+)>(.*)$").expect("valid regex")
    });
    let c = re.captures(value.trim())?;
    Some((
        c[1].trim().to_string(),
        c[2].to_string(),
        c[3].trim().to_string(),
    ))
}

/// An `Approved-by:` trailer, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ApprovedBy {
    pub name: String,
    pub email: String,
    /// Roles claimed in parentheses; empty when none were written.
    pub roles: Vec<String>,
}

/// Parses an `Approved-by:` value:
/// `Full Name <email>` optionally followed by `(role)` or `(role, role)`.
pub(crate) fn approved_by(value: &str) -> Result<ApprovedBy, String> {
    let (name, email, rest) =
        person(value).ok_or_else(|| "it has no `<email>` address".to_string())?;
    if name.is_empty() {
        return Err("it has no name before the `<email>`".to_string());
    }
    let mut roles = Vec::new();
    if !rest.is_empty() {
        let inner = rest
            .strip_prefix('(')
            .and_then(|r| r.strip_suffix(')'))
            .ok_or_else(|| format!("`{rest}` after the address is not `(role)`"))?;
        for role in inner.split(',') {
            let role = role.trim();
            if role.is_empty() || role.contains(char::is_whitespace) || role.contains(['(', ')']) {
                return Err(format!(
                    "`{rest}` is not a list of role names: write `(role)` or `(role-a, role-b)`, \
                     role names as in [roles]"
                ));
            }
            if !roles.iter().any(|r: &String| r == role) {
                roles.push(role.to_string());
            }
        }
    }
    Ok(ApprovedBy { name, email, roles })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trailers_come_from_the_last_paragraph_only() {
        let message = "Subject\n\nApproved-by: Not A Trailer <x@example.com>\nmore prose\n\nSigned-off-by: A <a@example.com>\nco-authored-by: B B\n  <b@example.com>\n";
        let t = trailers(message);
        assert_eq!(t.len(), 2);
        assert_eq!(t[1].key, "co-authored-by");
        assert_eq!(t[1].value, "B B <b@example.com>");
        assert!(values(&t, "Approved-by").is_empty());
        assert_eq!(values(&t, "Co-Authored-By"), vec!["B B <b@example.com>"]);
    }

    #[test]
    fn a_subject_alone_has_no_trailers() {
        assert!(trailers("Approved-by: A <a@example.com>").is_empty());
    }

    #[test]
    fn approved_by_syntax() {
        assert_eq!(
            approved_by("Alice Example <alice@example.com> (release-authority)").unwrap(),
            ApprovedBy {
                name: "Alice Example".into(),
                email: "alice@example.com".into(),
                roles: vec!["release-authority".into()],
            }
        );
        assert_eq!(
            approved_by("Bob <bob@example.com> (reviewer, soup-reviewer)")
                .unwrap()
                .roles,
            vec!["reviewer", "soup-reviewer"]
        );
        assert!(
            approved_by("Carol <carol@example.com>")
                .unwrap()
                .roles
                .is_empty()
        );
        assert!(approved_by("Carol").is_err());
        assert!(approved_by("<carol@example.com>").is_err());
        assert!(approved_by("Carol <carol@example.com> as reviewer").is_err());
        assert!(approved_by("Carol <carol@example.com> (release authority)").is_err());
    }
}
