//! Reading the GitHub Actions environment, and the token never leaking.

mod common;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use common::*;
use regops_github::{Error, GitHubContext, RoleMap, approvals_from_git, fetch_change};
use serde_json::json;

/// A scratch directory of its own for each call, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "regops-github-env-{}-{}-{name}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::SeqCst)
        ));
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }

    fn join(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn lookup(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
    let vars: HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    move |name| vars.get(name).cloned()
}

/// A `pull_request` event payload: the webhook wraps the pull request
/// object, which has the shape of the documented REST one.
fn pull_request_event() -> serde_json::Value {
    json!({
        "action": "synchronize",
        "number": NUMBER,
        "pull_request": pull(Some("body"), 1, 1),
    })
}

/// Writes the payload; the file lives as long as the returned scratch dir.
fn write_event(event: &serde_json::Value) -> (Scratch, PathBuf) {
    let dir = Scratch::new("event");
    let path = dir.join("event.json");
    std::fs::write(&path, event.to_string()).unwrap();
    (dir, path)
}

#[test]
fn reads_the_pull_request_from_the_actions_environment() {
    let (_dir, event) = write_event(&pull_request_event());
    let ctx = GitHubContext::from_lookup(lookup(&[
        ("GITHUB_TOKEN", TOKEN),
        ("GITHUB_API_URL", "https://ghe.example.com/api/v3/"),
        ("GITHUB_REPOSITORY", "octocat/Hello-World"),
        ("GITHUB_EVENT_PATH", event.to_str().unwrap()),
        ("GITHUB_EVENT_NAME", "pull_request"),
    ]))
    .unwrap();
    assert_eq!(ctx.api_url(), "https://ghe.example.com/api/v3");
    assert_eq!(ctx.repository(), "octocat/Hello-World");
    assert_eq!(ctx.pull_number(), Some(NUMBER));
    assert_eq!(ctx.head_sha(), Some(HEAD));
    let debug = format!("{ctx:?}");
    assert!(!debug.contains(TOKEN), "{debug}");
    assert!(debug.contains("redacted"), "{debug}");
}

#[test]
fn the_api_url_defaults_to_github_com() {
    let (_dir, event) = write_event(&pull_request_event());
    let ctx = GitHubContext::from_lookup(lookup(&[
        ("GITHUB_TOKEN", TOKEN),
        ("GITHUB_REPOSITORY", "octocat/Hello-World"),
        ("GITHUB_EVENT_PATH", event.to_str().unwrap()),
    ]))
    .unwrap();
    assert_eq!(ctx.api_url(), "https://api.github.com");
}

#[test]
fn a_missing_token_says_how_to_pass_it() {
    for token in [None, Some(""), Some("   ")] {
        let mut vars = vec![
            ("GITHUB_REPOSITORY", "octocat/Hello-World"),
            ("GITHUB_EVENT_PATH", "/nonexistent/event.json"),
        ];
        if let Some(token) = token {
            vars.push(("GITHUB_TOKEN", token));
        }
        let err = GitHubContext::from_lookup(lookup(&vars)).unwrap_err();
        assert!(matches!(err, Error::MissingToken), "{err:?}");
        assert_eq!(err.exit_code(), 2);
        let text = err.to_string();
        for needed in [
            "GITHUB_TOKEN: ${{ github.token }}",
            "permissions:",
            "pull-requests: read",
            "contents: read",
            "members: read",
        ] {
            assert!(text.contains(needed), "`{needed}` missing from: {text}");
        }
    }
    let err = GitHubContext::new("https://api.github.com", "", "o/r", 1, None).unwrap_err();
    assert!(matches!(err, Error::MissingToken), "{err:?}");
}

#[test]
fn a_non_pull_request_event_is_refused() {
    let (_dir, event) = write_event(&json!({
        "ref": "refs/heads/main",
        "before": "0000000000000000000000000000000000000000",
        "after": HEAD,
        "commits": [],
    }));
    let err = GitHubContext::from_lookup(lookup(&[
        ("GITHUB_TOKEN", TOKEN),
        ("GITHUB_REPOSITORY", "octocat/Hello-World"),
        ("GITHUB_EVENT_PATH", event.to_str().unwrap()),
        ("GITHUB_EVENT_NAME", "push"),
    ]))
    .unwrap_err();
    assert!(matches!(err, Error::NotPullRequest { .. }), "{err:?}");
    let text = err.to_string();
    assert!(
        text.contains("`push`") && text.contains("pull_request"),
        "{text}"
    );
    assert_no_token(&err);
}

#[test]
fn the_repository_alone_serves_runs_without_a_pull_request() {
    // Without GITHUB_EVENT_PATH's pull request: a context for the Teams API.
    let vars = lookup(&[
        ("GITHUB_TOKEN", TOKEN),
        ("GITHUB_REPOSITORY", "octocat/Hello-World"),
    ]);
    let err = GitHubContext::from_lookup(&vars).unwrap_err();
    assert!(
        matches!(
            err,
            Error::MissingEnv {
                name: "GITHUB_EVENT_PATH",
                ..
            }
        ),
        "{err:?}"
    );
    let ctx = GitHubContext::new("https://api.github.com", TOKEN, "o/r", 1, None).unwrap();
    assert_eq!(ctx.pull_number(), Some(1));
}

#[test]
fn unusable_settings_are_refused_with_the_fix() {
    let cases: Vec<Result<GitHubContext, Error>> = vec![
        GitHubContext::new("http://ghe.example.com/api/v3", TOKEN, "o/r", 1, None),
        GitHubContext::new("ftp://example.com", TOKEN, "o/r", 1, None),
        GitHubContext::new("https://api.github.com", TOKEN, "no-slash", 1, None),
        GitHubContext::new("https://api.github.com", TOKEN, "o/r", 0, None),
        GitHubContext::new("https://api.github.com", TOKEN, "o/r", 1, Some("abc")),
        GitHubContext::new("https://api.github.com", "tok en", "o/r", 1, None),
    ];
    for result in cases {
        let err = result.unwrap_err();
        assert!(matches!(err, Error::InvalidSetting { .. }), "{err:?}");
        assert_no_token(&err);
    }
    // Plain http is fine on loopback (tests, a local proxy).
    GitHubContext::new("http://127.0.0.1:8080", TOKEN, "o/r", 1, None).unwrap();
    GitHubContext::new("http://localhost:8080/api/v3", TOKEN, "o/r", 1, None).unwrap();
    // A bad event file.
    let bad = Scratch::new("bad");
    let path = bad.join("event.json");
    std::fs::write(&path, "{not json").unwrap();
    let err = GitHubContext::from_lookup(lookup(&[
        ("GITHUB_TOKEN", TOKEN),
        ("GITHUB_REPOSITORY", "o/r"),
        ("GITHUB_EVENT_PATH", path.to_str().unwrap()),
    ]))
    .unwrap_err();
    assert!(matches!(err, Error::EventFile { .. }), "{err:?}");
}

/// Every error path, each checked for the token in Display and Debug,
/// including answers that echo the token back.
#[test]
fn the_token_appears_in_no_error() {
    let mut errors: Vec<Error> = Vec::new();
    let roles = RoleMap::default();

    // Each HTTP failure mode, with GitHub's message echoing the token.
    let echo = format!("token {TOKEN} is not accepted: Bearer {TOKEN}");
    for reply in [
        Reply::error(401, &echo),
        Reply::error(403, &echo),
        Reply::error(403, &echo)
            .header("x-ratelimit-remaining", "0")
            .header("x-ratelimit-reset", "99999999999"),
        Reply::error(429, &echo).header("Retry-After", "3600"),
        Reply::error(404, &echo),
        Reply::error(500, &echo),
        Reply::error(422, &echo),
        Reply::error(301, &echo),
        Reply {
            status: 200,
            headers: vec![],
            body: format!("{{\"number\": \"{TOKEN}\"}}"),
        },
        Reply::json(&json!([TOKEN])),
    ] {
        let server = MockGitHub::start();
        Scenario::default().mount(&server, "");
        server.route(&pr_path(""), vec![reply]);
        errors.push(fetch_change(&context(&server, ""), &roles).unwrap_err());
    }

    // A next link carrying the token to another host.
    let server = MockGitHub::start();
    Scenario::default().mount(&server, "");
    server.route(
        &pr_path("/reviews?per_page=100"),
        vec![Reply::json(&json!([])).header(
            "Link",
            &format!("<http://127.0.0.2:9/x?access_token={TOKEN}>; rel=\"next\""),
        )],
    );
    errors.push(fetch_change(&context(&server, ""), &roles).unwrap_err());

    // Inconsistent lists, the head moved, unresolved teams, team 403.
    let server = MockGitHub::start();
    Scenario::default().mount(&server, "");
    server.route(&pr_path(""), vec![Reply::json(&pull(None, 5, 1))]);
    errors.push(fetch_change(&context(&server, ""), &roles).unwrap_err());
    let moved = GitHubContext::new(
        &server.url(),
        TOKEN,
        "octocat/Hello-World",
        NUMBER,
        Some("abcdefabcdefabcdefabcdefabcdefabcdefabcd"),
    )
    .unwrap();
    Scenario::default().mount(&server, "");
    errors.push(fetch_change(&moved, &roles).unwrap_err());
    let mut teams = RoleMap::new([("reviewer", ["@acme/eng"])]).unwrap();
    errors.push(fetch_change(&context(&server, ""), &teams).unwrap_err());
    errors.push(teams.resolve(&context(&server, "")).unwrap_err());

    // Network failure.
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let unreachable =
        GitHubContext::new(&format!("http://127.0.0.1:{port}"), TOKEN, "o/r", 1, None)
            .unwrap()
            .with_retry_policy(fast_policy());
    errors.push(fetch_change(&unreachable, &roles).unwrap_err());

    // Environment and settings.
    errors.push(GitHubContext::from_lookup(lookup(&[("GITHUB_TOKEN", TOKEN)])).unwrap_err());
    errors.push(
        GitHubContext::from_lookup(lookup(&[
            ("GITHUB_TOKEN", TOKEN),
            ("GITHUB_REPOSITORY", "o/r"),
            ("GITHUB_EVENT_PATH", "/nonexistent/event.json"),
        ]))
        .unwrap_err(),
    );
    errors.push(GitHubContext::new("http://example.com", TOKEN, "o/r", 1, None).unwrap_err());
    errors.push(
        GitHubContext::new(
            "https://api.github.com",
            &format!("{TOKEN}\n{TOKEN}"),
            "o/r",
            1,
            None,
        )
        .unwrap_err(),
    );
    errors.push(GitHubContext::from_lookup(lookup(&[])).unwrap_err());

    // Git.
    errors.push(
        approvals_from_git(&Scratch::new("not-a-repo").0, "HEAD", &RoleMap::default()).unwrap_err(),
    );

    assert!(errors.len() >= 20, "{}", errors.len());
    for err in &errors {
        eprintln!("{err}\n");
        assert_no_token(err);
        assert_eq!(err.exit_code(), 2);
    }
    // The echoed messages were kept, scrubbed.
    assert!(
        errors
            .iter()
            .any(|e| e.to_string().contains("<redacted> is not accepted")),
        "{errors:#?}"
    );
}
