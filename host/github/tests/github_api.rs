//! The GitHub client against a loopback server answering GitHub's documented
//! payloads (tests/fixtures, from @octokit/openapi).

mod common;

use std::collections::BTreeMap;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use common::*;
use regops_evidence::Decision;
use regops_github::{ENDPOINTS, Error, GitHubContext, RoleMap, fetch_change};
use serde_json::{Value, json};

fn no_roles() -> RoleMap {
    RoleMap::default()
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

fn fetch_err(server: &MockGitHub) -> Error {
    let err = fetch_change(&context(server, ""), &no_roles()).unwrap_err();
    assert_no_token(&err);
    assert_eq!(err.exit_code(), 2);
    err
}

#[test]
fn every_endpoint_the_client_uses_is_documented() {
    let documented = documented_operations();
    for (method, path) in ENDPOINTS {
        assert!(
            documented.iter().any(|(m, p)| m == method && p == path),
            "{method} {path} is not in the OpenAPI fixture"
        );
    }
    assert_eq!(documented.len(), ENDPOINTS.len());
}

#[test]
fn fetches_a_pull_request_across_pages() {
    let server = MockGitHub::start();
    let reviews = vec![
        review(1, Some("alice"), "APPROVED", "2024-05-01T10:00:00Z", HEAD),
        review(2, Some("bob"), "COMMENTED", "2024-05-01T10:05:00Z", HEAD),
        review(3, Some("carol"), "APPROVED", "2024-05-01T10:10:00Z", HEAD),
        review(
            4,
            Some("dave"),
            "CHANGES_REQUESTED",
            "2024-05-01T10:15:00Z",
            HEAD,
        ),
        review(5, Some("erin"), "APPROVED", "2024-05-01T10:20:00Z", HEAD),
    ];
    let files: Vec<Value> = (1..=5)
        .map(|i| file(&format!("src/f{i}.rs"), None))
        .chain([file("SOUP.yaml", Some("docs/SOUP.yaml"))])
        .collect();
    let scenario = Scenario {
        body: Some("Implements the alarm limits.\n\nFixes #42".into()),
        reviews,
        files,
        per_page: 2,
        ..Scenario::default()
    };
    scenario.mount(&server, "");
    let roles = RoleMap::new([
        ("reviewer", vec!["@acme/engineering", "carol"]),
        ("release-authority", vec!["Alice"]),
    ])
    .unwrap()
    .with_team_members("@acme/engineering", ["alice", "Erin"])
    .unwrap();

    let change = fetch_change(&context(&server, ""), &roles).unwrap();

    assert_eq!(change.number, NUMBER);
    assert_eq!(change.title, "Amazing new feature");
    assert_eq!(
        change.url,
        "https://github.com/octocat/Hello-World/pull/1347"
    );
    assert_eq!(change.author, "octocat");
    assert!(change.co_authors.is_empty(), "{:?}", change.co_authors);
    assert_eq!(change.head_sha, HEAD);
    assert_eq!(change.base_ref, "master");
    assert_eq!(
        change.changed_files,
        vec![
            "SOUP.yaml",
            "docs/SOUP.yaml",
            "src/f1.rs",
            "src/f2.rs",
            "src/f3.rs",
            "src/f4.rs",
            "src/f5.rs"
        ]
    );
    assert_eq!(change.linked_issues, vec!["octocat/Hello-World#42"]);
    let by_who: BTreeMap<&str, _> = change
        .approvals
        .iter()
        .map(|a| (a.who.as_str(), a))
        .collect();
    assert_eq!(by_who.len(), 5);
    let alice = by_who["alice"];
    assert_eq!(alice.decision, Decision::Approved);
    assert_eq!(alice.roles, vec!["release-authority", "reviewer"]);
    assert_eq!(alice.commit.as_deref(), Some(HEAD));
    assert_eq!(alice.timestamp.as_deref(), Some("2024-05-01T10:00:00Z"));
    assert_eq!(
        alice.source,
        "github-review:https://github.com/octocat/Hello-World/pull/1347#pullrequestreview-1"
    );
    assert!(!alice.signature_verified);
    assert_eq!(by_who["bob"].decision, Decision::Commented);
    assert!(by_who["bob"].roles.is_empty());
    assert_eq!(by_who["carol"].roles, vec!["reviewer"]);
    assert_eq!(by_who["dave"].decision, Decision::ChangesRequested);
    assert_eq!(by_who["erin"].roles, vec!["reviewer"]);

    // Three pages of reviews, three of files, one of commits, one PR.
    assert_eq!(server.hits(&pr_path("/reviews")), 3);
    assert_eq!(server.hits(&pr_path("/files")), 3);
    assert_eq!(server.hits(&pr_path("/commits")), 1);
    assert_eq!(server.hits(&pr_path("")), 1);
    assert_documented(&server, "");
    // The change serialises and reads back unchanged.
    let json = serde_json::to_string(&change).unwrap();
    assert_eq!(
        serde_json::from_str::<regops_github::Change>(&json).unwrap(),
        change
    );
}

#[test]
fn enterprise_server_api_root_with_a_path() {
    let server = MockGitHub::start();
    Scenario {
        per_page: 1,
        reviews: vec![
            review(1, Some("alice"), "APPROVED", "2024-05-01T10:00:00Z", HEAD),
            review(2, Some("bob"), "APPROVED", "2024-05-01T10:01:00Z", HEAD),
        ],
        ..Scenario::default()
    }
    .mount(&server, "/api/v3");
    let change = fetch_change(&context(&server, "/api/v3/"), &no_roles()).unwrap();
    assert_eq!(change.approvals.len(), 2);
    assert_eq!(server.hits(&format!("/api/v3{}", pr_path("/reviews"))), 2);
    assert_documented(&server, "/api/v3");
}

#[test]
fn review_states_fold_to_each_reviewers_effective_decision() {
    let server = MockGitHub::start();
    let old = "0000000000000000000000000000000000000001";
    Scenario {
        reviews: vec![
            // approve, then comment: still approved (on the approved commit)
            review(1, Some("alice"), "APPROVED", "2024-05-01T10:00:00Z", old),
            review(2, Some("alice"), "COMMENTED", "2024-05-01T11:00:00Z", HEAD),
            // approve, then request changes: changes requested
            review(3, Some("bob"), "APPROVED", "2024-05-01T10:00:00Z", HEAD),
            review(
                4,
                Some("bob"),
                "CHANGES_REQUESTED",
                "2024-05-01T12:00:00Z",
                HEAD,
            ),
            // changes requested, then approve: approved
            review(
                5,
                Some("carol"),
                "CHANGES_REQUESTED",
                "2024-05-01T10:00:00Z",
                old,
            ),
            review(6, Some("carol"), "APPROVED", "2024-05-01T13:00:00Z", HEAD),
            // a dismissed approval
            review(7, Some("dave"), "DISMISSED", "2024-05-01T10:00:00Z", HEAD),
            // comments only
            review(8, Some("erin"), "COMMENTED", "2024-05-01T10:00:00Z", HEAD),
            review(9, Some("erin"), "COMMENTED", "2024-05-01T10:30:00Z", old),
            // unsubmitted: ignored
            review(10, Some("frank"), "PENDING", "", HEAD),
            // a deleted account
            review(11, None, "APPROVED", "2024-05-01T10:00:00Z", HEAD),
            // case differs: one reviewer
            review(12, Some("Gina"), "APPROVED", "2024-05-01T10:00:00Z", HEAD),
            review(13, Some("gina"), "COMMENTED", "2024-05-01T10:10:00Z", HEAD),
        ],
        ..Scenario::default()
    }
    .mount(&server, "");
    let change = fetch_change(&context(&server, ""), &no_roles()).unwrap();
    let got: Vec<(&str, Decision, Option<&str>)> = change
        .approvals
        .iter()
        .map(|a| (a.who.as_str(), a.decision, a.commit.as_deref()))
        .collect();
    assert_eq!(
        got,
        vec![
            ("alice", Decision::Approved, Some(old)),
            ("bob", Decision::ChangesRequested, Some(HEAD)),
            ("carol", Decision::Approved, Some(HEAD)),
            ("dave", Decision::Dismissed, Some(HEAD)),
            ("erin", Decision::Commented, Some(old)),
            ("ghost", Decision::Approved, Some(HEAD)),
            ("Gina", Decision::Approved, Some(HEAD)),
        ]
    );
    assert!(change.approvals.iter().all(|a| !a.source.is_empty()));
}

#[test]
fn co_authors_come_from_commit_authors_and_trailers() {
    let server = MockGitHub::start();
    let c1 = "1111111111111111111111111111111111111111";
    let c2 = "2222222222222222222222222222222222222222";
    Scenario {
        commits: vec![
            commit(
                c1,
                Some("octocat"),
                "support@github.com",
                "Add limits\n\nCo-authored-by: Bob Builder <12345+BobB@users.noreply.github.com>\nCo-authored-by: Dana Scully <Dana@Example.com>\nCo-authored-by: Mona Octocat <octocat@users.noreply.github.com>",
            ),
            commit(c2, None, "eve@example.com", "Fix typo"),
            commit(HEAD, Some("frank"), "frank@example.com", "Tests"),
        ],
        ..Scenario::default()
    }
    .mount(&server, "");
    let change = fetch_change(&context(&server, ""), &no_roles()).unwrap();
    assert_eq!(
        change.co_authors,
        vec!["bobb", "dana@example.com", "eve@example.com", "frank"]
    );
}

#[test]
fn a_co_author_trailer_without_an_email_is_an_error() {
    let server = MockGitHub::start();
    Scenario {
        commits: vec![commit(
            HEAD,
            Some("octocat"),
            "support@github.com",
            "Add\n\nCo-authored-by: Bob",
        )],
        ..Scenario::default()
    }
    .mount(&server, "");
    let err = fetch_err(&server);
    assert!(err.to_string().contains("Co-authored-by: Bob"), "{err}");
}

#[test]
fn linked_issues_follow_closing_keywords() {
    let server = MockGitHub::start();
    Scenario {
        body: Some(
            "## Summary\nCloses #7 and resolves acme/requirements#12.\n\
             Also fixes https://github.com/octocat/Hello-World/issues/9\n\
             Related to #8.\n<!-- Fixes #ISSUE or fixes #1 -->"
                .into(),
        ),
        ..Scenario::default()
    }
    .mount(&server, "");
    let change = fetch_change(&context(&server, ""), &no_roles()).unwrap();
    assert_eq!(
        change.linked_issues,
        vec![
            "acme/requirements#12",
            "octocat/Hello-World#7",
            "octocat/Hello-World#9"
        ]
    );
}

#[test]
fn a_null_body_links_no_issues() {
    let server = MockGitHub::start();
    Scenario {
        body: None,
        ..Scenario::default()
    }
    .mount(&server, "");
    let change = fetch_change(&context(&server, ""), &no_roles()).unwrap();
    assert!(change.linked_issues.is_empty());
}

#[test]
fn a_502_then_200_is_retried() {
    let server = MockGitHub::start();
    Scenario::default().mount(&server, "");
    let pr = pull(Some("x"), 1, 1);
    server.route(
        &pr_path(""),
        vec![Reply::error(502, "Server Error"), Reply::json(&pr)],
    );
    let change = fetch_change(&context(&server, ""), &no_roles()).unwrap();
    assert_eq!(change.number, NUMBER);
    assert_eq!(server.hits(&pr_path("")), 2, "one failure, one retry");
}

#[test]
fn a_5xx_that_persists_fails_after_the_attempt_limit() {
    let server = MockGitHub::start();
    Scenario::default().mount(&server, "");
    server.route(
        &pr_path("/reviews?per_page=100"),
        vec![Reply::error(503, "Service Unavailable")],
    );
    let started = Instant::now();
    let err = fetch_err(&server);
    assert!(
        matches!(
            err,
            Error::Server {
                status: 503,
                attempts: 4,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(server.hits(&pr_path("/reviews")), 4);
    // Backoff 10 + 20 + 40 ms: quick in tests.
    assert!(started.elapsed() < Duration::from_secs(5));
    let text = err.to_string();
    assert!(text.contains(&pr_path("/reviews")), "{text}");
    assert!(!text.contains("per_page"), "path only: {text}");
    assert!(!text.contains("127.0.0.1"), "no host: {text}");
}

#[test]
fn retry_after_on_a_429_is_honoured() {
    let server = MockGitHub::start();
    Scenario::default().mount(&server, "");
    let pr = pull(Some("x"), 1, 1);
    server.route(
        &pr_path(""),
        vec![
            Reply::error(429, "You have exceeded a secondary rate limit")
                .header("Retry-After", "1"),
            Reply::json(&pr),
        ],
    );
    let started = Instant::now();
    fetch_change(&context(&server, ""), &no_roles()).unwrap();
    assert!(started.elapsed() >= Duration::from_secs(1));
    assert_eq!(server.hits(&pr_path("")), 2);
}

#[test]
fn an_exhausted_rate_limit_that_resets_late_fails_with_the_reset_time() {
    let server = MockGitHub::start();
    Scenario::default().mount(&server, "");
    let reset = unix_now() + 3600;
    server.route(
        &pr_path(""),
        vec![
            Reply::error(403, "API rate limit exceeded for installation ID 1.")
                .header("x-ratelimit-limit", "5000")
                .header("x-ratelimit-remaining", "0")
                .header("x-ratelimit-used", "5000")
                .header("x-ratelimit-reset", &reset.to_string())
                .header("x-ratelimit-resource", "core"),
        ],
    );
    let err = fetch_err(&server);
    let Error::RateLimited {
        status, resets_at, ..
    } = &err
    else {
        panic!("{err:?}");
    };
    assert_eq!(*status, 403);
    let resets_at = resets_at.as_deref().unwrap();
    assert!(
        resets_at.ends_with('Z') && resets_at.len() == 20,
        "{resets_at}"
    );
    assert!(err.to_string().contains(resets_at));
    assert_eq!(
        server.hits(&pr_path("")),
        1,
        "no retry when the reset is far"
    );
}

#[test]
fn an_exhausted_rate_limit_that_resets_soon_is_waited_out() {
    let server = MockGitHub::start();
    Scenario::default().mount(&server, "");
    let pr = pull(Some("x"), 1, 1);
    let reset = unix_now() + 1;
    server.route(
        &pr_path(""),
        vec![
            Reply::error(403, "API rate limit exceeded")
                .header("x-ratelimit-remaining", "0")
                .header("x-ratelimit-reset", &reset.to_string()),
            Reply::json(&pr),
        ],
    );
    fetch_change(&context(&server, ""), &no_roles()).unwrap();
    assert_eq!(server.hits(&pr_path("")), 2);
}

#[test]
fn a_403_without_rate_limit_headers_names_the_missing_permission() {
    let server = MockGitHub::start();
    Scenario::default().mount(&server, "");
    server.route(
        &pr_path("/files?per_page=100"),
        vec![Reply::error(403, "Resource not accessible by integration")],
    );
    let err = fetch_err(&server);
    assert!(matches!(err, Error::Forbidden { .. }), "{err:?}");
    let text = err.to_string();
    assert!(text.contains("lacks permission"), "{text}");
    assert!(text.contains(&pr_path("/files")), "{text}");
    assert!(text.contains("contents: read"), "{text}");
    assert!(
        text.contains("Resource not accessible by integration"),
        "{text}"
    );
    assert_eq!(
        server.hits(&pr_path("/files")),
        1,
        "a permission error is not retried"
    );
}

#[test]
fn a_401_says_the_token_was_rejected() {
    let server = MockGitHub::start();
    server.route(&pr_path(""), vec![Reply::error(401, "Bad credentials")]);
    let err = fetch_err(&server);
    assert!(matches!(err, Error::Unauthorized { .. }), "{err:?}");
    assert!(err.to_string().contains("rejected the token"), "{err}");
    assert!(err.to_string().contains("${{ github.token }}"), "{err}");
}

#[test]
fn a_missing_pull_request_is_a_clear_404() {
    let server = MockGitHub::start();
    let err = fetch_err(&server);
    assert!(matches!(err, Error::NotFound { .. }), "{err:?}");
    let text = err.to_string();
    assert!(
        text.contains("pull request #1347 of octocat/Hello-World"),
        "{text}"
    );
    assert!(text.contains("pull-requests: read"), "{text}");
}

#[test]
fn an_unreachable_api_is_a_network_error_after_retries() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let ctx = GitHubContext::new(
        &format!("http://127.0.0.1:{port}"),
        TOKEN,
        "octocat/Hello-World",
        NUMBER,
        None,
    )
    .unwrap()
    .with_retry_policy(fast_policy());
    let err = fetch_change(&ctx, &no_roles()).unwrap_err();
    assert_no_token(&err);
    assert!(matches!(err, Error::Network { attempts: 4, .. }), "{err:?}");
    assert!(err.to_string().contains("GITHUB_API_URL"), "{err}");
}

#[test]
fn answers_not_shaped_as_documented_are_errors_not_empty_lists() {
    // An object where GitHub documents an array.
    let server = MockGitHub::start();
    Scenario::default().mount(&server, "");
    server.route(
        &pr_path("/reviews?per_page=100"),
        vec![Reply::json(&json!({"reviews": []}))],
    );
    let err = fetch_err(&server);
    assert!(matches!(err, Error::UnexpectedResponse { .. }), "{err:?}");

    // A review without a documented required field.
    let server = MockGitHub::start();
    let mut broken = review(1, Some("alice"), "APPROVED", "2024-05-01T10:00:00Z", HEAD);
    broken.as_object_mut().unwrap().remove("commit_id");
    Scenario {
        reviews: vec![broken],
        ..Scenario::default()
    }
    .mount(&server, "");
    let err = fetch_err(&server);
    assert!(err.to_string().contains("commit_id"), "{err}");

    // A state regops does not know.
    let server = MockGitHub::start();
    Scenario {
        reviews: vec![review(
            1,
            Some("alice"),
            "SUPERAPPROVED",
            "2024-05-01T10:00:00Z",
            HEAD,
        )],
        ..Scenario::default()
    }
    .mount(&server, "");
    let err = fetch_err(&server);
    assert!(err.to_string().contains("SUPERAPPROVED"), "{err}");

    // Not JSON at all.
    let server = MockGitHub::start();
    Scenario::default().mount(&server, "");
    server.route(
        &pr_path(""),
        vec![Reply {
            status: 200,
            headers: vec![],
            body: "<html>proxy login</html>".into(),
        }],
    );
    let err = fetch_err(&server);
    assert!(matches!(err, Error::UnexpectedResponse { .. }), "{err:?}");
}

#[test]
fn lists_shorter_than_the_pull_requests_counts_are_errors() {
    let server = MockGitHub::start();
    Scenario::default().mount(&server, "");
    // The PR says 2 files; GitHub lists 1 (as when it stops at 3000).
    server.route(&pr_path(""), vec![Reply::json(&pull(Some("x"), 1, 2))]);
    let err = fetch_err(&server);
    assert!(matches!(err, Error::Inconsistent { .. }), "{err:?}");
    assert!(err.to_string().contains("3000"), "{err}");
}

#[test]
fn a_head_that_moved_since_the_run_started_is_an_error() {
    let server = MockGitHub::start();
    Scenario::default().mount(&server, "");
    let checked = "abcdefabcdefabcdefabcdefabcdefabcdefabcd";
    let ctx = GitHubContext::new(
        &server.url(),
        TOKEN,
        "octocat/Hello-World",
        NUMBER,
        Some(checked),
    )
    .unwrap()
    .with_retry_policy(fast_policy());
    let err = fetch_change(&ctx, &no_roles()).unwrap_err();
    assert_no_token(&err);
    let text = err.to_string();
    assert!(text.contains(checked) && text.contains(HEAD), "{text}");
}

#[test]
fn a_next_link_outside_the_api_root_is_not_followed() {
    let server = MockGitHub::start();
    Scenario::default().mount(&server, "");
    let page = Value::Array(vec![review(
        1,
        Some("alice"),
        "APPROVED",
        "2024-05-01T10:00:00Z",
        HEAD,
    )]);
    server.route(
        &pr_path("/reviews?per_page=100"),
        vec![Reply::json(&page).header(
            "Link",
            "<http://127.0.0.2:9/repos/octocat/Hello-World/pulls/1347/reviews?page=2>; rel=\"next\"",
        )],
    );
    let err = fetch_err(&server);
    assert!(err.to_string().contains("outside GITHUB_API_URL"), "{err}");
}

#[test]
fn teams_expand_through_the_teams_api_across_pages() {
    let server = MockGitHub::start();
    let path = "/orgs/acme/teams/quality/members";
    paginate(
        &server,
        "",
        path,
        &[member("Alice"), member("bob"), member("carol")],
        2,
    );
    paginate(
        &server,
        "",
        "/orgs/acme/teams/engineering/members",
        &[member("dave")],
        100,
    );
    let mut roles = RoleMap::new([
        ("soup-reviewer", vec!["@acme/quality"]),
        ("reviewer", vec!["@Acme/Engineering", "carol"]),
        ("release-authority", vec!["alice", "bob"]),
    ])
    .unwrap();
    assert_eq!(
        roles.unresolved_teams(),
        vec!["@acme/engineering", "@acme/quality"]
    );
    // Unexpanded teams are refused, not silently empty.
    let err = fetch_change(&context(&server, ""), &roles).unwrap_err();
    assert!(matches!(err, Error::UnresolvedTeams { .. }), "{err:?}");

    roles.resolve(&context(&server, "")).unwrap();
    assert!(roles.unresolved_teams().is_empty());
    assert_eq!(
        roles.roles_of("ALICE"),
        vec!["release-authority", "soup-reviewer"]
    );
    assert_eq!(roles.roles_of("carol"), vec!["reviewer", "soup-reviewer"]);
    assert_eq!(roles.roles_of("dave"), vec!["reviewer"]);
    assert!(roles.roles_of("mallory").is_empty());
    assert_eq!(server.hits(path), 2);
    assert_documented(&server, "");
}

#[test]
fn a_team_the_token_cannot_read_names_the_members_permission() {
    let server = MockGitHub::start();
    server.route(
        "/orgs/acme/teams/quality/members?per_page=100",
        vec![Reply::error(403, "Resource not accessible by integration")],
    );
    let mut roles = RoleMap::new([("soup-reviewer", ["@acme/quality"])]).unwrap();
    let err = roles.resolve(&context(&server, "")).unwrap_err();
    assert_no_token(&err);
    assert!(err.to_string().contains("members: read"), "{err}");
}

#[test]
fn roles_without_teams_need_no_github() {
    let roles = RoleMap::new(BTreeMap::from([
        (
            "release-authority".to_string(),
            vec!["alice".to_string(), "Bob".to_string()],
        ),
        ("reviewer".to_string(), vec!["bob".to_string()]),
    ]))
    .unwrap();
    assert!(roles.unresolved_teams().is_empty());
    assert_eq!(roles.roles_of("BOB"), vec!["release-authority", "reviewer"]);
    let err = RoleMap::new([("reviewer", ["not a login"])]).unwrap_err();
    assert!(err.to_string().contains("[roles] reviewer"), "{err}");
}

#[test]
fn open_issues_with_the_anomaly_label_are_listed_as_documented() {
    let server = MockGitHub::start();
    // GitHub's documented issue, as an issue (the example is a pull request).
    let mut issue = common::fixture("issue-items.json")[0].clone();
    issue.as_object_mut().unwrap().remove("pull_request");
    issue["labels"] = serde_json::json!([{ "name": "severity: high" }]);
    server.route(
        "/repos/octocat/Hello-World/issues?labels=severity%3A%20high&state=open&per_page=100",
        vec![Reply::json(&serde_json::json!([issue]))],
    );
    let issues =
        regops_github::fetch_labelled_issues(&context(&server, ""), "severity: high").unwrap();
    assert_eq!(issues.len(), 1);
    assert_eq!(issues[0]["number"], 1347);
    common::assert_documented(&server, "");
}
