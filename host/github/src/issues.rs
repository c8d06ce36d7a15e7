//! Known anomalies from the issue tracker: the repository's open issues
//! carrying a label (`[anomalies] github-label`), as the REST API lists them.

use serde_json::Value;

use crate::api::{Api, CHECK_PULL, Endpoint, block_on};
use crate::{Error, GitHubContext};

/// Permission text for error messages.
const PERM_ISSUES: &str =
    "`issues: read` (workflow `permissions:`; for a fine-grained token, \"Issues\" read)";

/// Every open issue labelled `label`, as the API answered (pull requests,
/// which the list includes, are left for the caller's parser to drop).
pub fn fetch_labelled_issues(ctx: &GitHubContext, label: &str) -> Result<Vec<Value>, Error> {
    let repository = ctx.repository();
    let endpoint = Endpoint {
        method: "GET",
        path: format!("/repos/{}/{}/issues", ctx.owner(), ctx.repo()),
        what: format!("the open issues labelled `{label}` of {repository}"),
        check: CHECK_PULL,
        permission: PERM_ISSUES,
    };
    let query = format!("labels={}&state=open", encode(label));
    block_on(async {
        let api = Api::new(ctx)?;
        api.get_all_pages(&endpoint, &query, |page: Vec<Value>| page)
            .await
    })?
}

/// Percent-encodes a query value (labels may hold spaces and colons).
fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn labels_are_percent_encoded() {
        assert_eq!(super::encode("severity: high"), "severity%3A%20high");
        assert_eq!(super::encode("anomaly"), "anomaly");
    }
}
