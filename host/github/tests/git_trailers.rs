//! `Approved-by:` trailers read from a real temporary git repository.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

use regops_evidence::Decision;
use regops_github::{Error, RoleMap, approvals_from_git};

struct Repo {
    dir: PathBuf,
}

impl Repo {
    fn new(name: &str) -> Repo {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "regops-github-git-{}-{}-{name}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::SeqCst)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let repo = Repo { dir };
        repo.git(&["init", "-q", "-b", "main"]);
        repo.git(&["config", "user.name", "Committer Person"]);
        repo.git(&["config", "user.email", "committer@example.com"]);
        repo.git(&["config", "commit.gpgsign", "false"]);
        repo
    }

    fn git(&self, args: &[&str]) -> String {
        let output = Command::new("git")
            .arg("-C")
            .arg(&self.dir)
            .args(args)
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_COMMITTER_DATE", "2024-05-01T12:00:00+02:00")
            .env("GIT_AUTHOR_DATE", "2024-05-01T12:00:00+02:00")
            .output()
            .expect("git runs");
        assert!(
            output.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).unwrap().trim().to_string()
    }

    /// Commits a change to the SOP's approvals table with `message`.
    fn commit(&self, message: &str, extra: &[&str]) -> String {
        let sop = self.dir.join("release-sop.md");
        let mut text = std::fs::read_to_string(&sop).unwrap_or_default();
        text.push_str("| someone | some role | 2024-05-01 |\n");
        std::fs::write(&sop, text).unwrap();
        self.git(&["add", "release-sop.md"]);
        let mut args = vec!["commit", "-q", "-m", message];
        args.extend_from_slice(extra);
        self.git(&args);
        self.git(&["rev-parse", "HEAD"])
    }

    fn path(&self) -> &Path {
        &self.dir
    }
}

impl Drop for Repo {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn roles() -> RoleMap {
    RoleMap::new([
        ("release-authority", vec!["alice@example.com", "bob"]),
        ("reviewer", vec!["alice@example.com", "carol@example.com"]),
        ("regulatory", vec!["dana@example.com"]),
    ])
    .unwrap()
}

#[test]
fn approved_by_trailers_become_approvals() {
    let repo = Repo::new("trailers");
    let base = repo.commit("Add the release SOP", &[]);
    let first = repo.commit(
        "Approve release 1.2.0\n\nAlice signs the approvals table.\n\nApproved-by: Alice Example <Alice@Example.com> (release-authority)",
        &[],
    );
    let second = repo.commit(
        "Approve release 1.2.0 (regulatory and engineering)\n\n\
         Approved-by: Dana Scully <dana@example.com> (regulatory, release-authority)\n\
         Approved-by: Bob Builder <12345+bob@users.noreply.github.com>\n\
         Approved-by: Carol Danvers <carol@example.com>\n\
         Approved-by: Carol Danvers <carol@example.com>\n\
         Signed-off-by: Committer Person <committer@example.com>",
        &[],
    );
    // Not in the trailer block: prose, not an approval.
    repo.commit(
        "Note\n\nApproved-by: Mallory <mallory@example.com> (release-authority)\nwas discussed but is not given here.\n\nRefs: #12",
        &[],
    );

    let approvals = approvals_from_git(repo.path(), &format!("{base}..HEAD"), &roles()).unwrap();
    let got: Vec<(&str, Vec<&str>, &str)> = approvals
        .iter()
        .map(|a| {
            (
                a.who.as_str(),
                a.roles.iter().map(String::as_str).collect(),
                a.commit.as_deref().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            // Claimed roles are kept only where [roles] grants them.
            ("dana@example.com", vec!["regulatory"], second.as_str()),
            // A noreply address names the GitHub login.
            ("bob", vec!["release-authority"], second.as_str()),
            // No claim: every configured role.
            ("carol@example.com", vec!["reviewer"], second.as_str()),
            (
                "alice@example.com",
                vec!["release-authority"],
                first.as_str()
            ),
        ]
    );
    for approval in &approvals {
        assert_eq!(approval.decision, Decision::Approved);
        assert_eq!(
            approval.timestamp.as_deref(),
            Some("2024-05-01T12:00:00+02:00")
        );
        assert_eq!(
            approval.source,
            format!("commit-trailer:{}", approval.commit.as_deref().unwrap())
        );
        assert!(
            !approval.signature_verified,
            "unsigned commits are not verified"
        );
    }

    // A single commit as the range.
    let only_first = approvals_from_git(repo.path(), &format!("{first}^!"), &roles()).unwrap();
    assert_eq!(only_first.len(), 1);
    // A range without trailers: none, and that is not an error.
    assert!(
        approvals_from_git(repo.path(), &base, &roles())
            .unwrap()
            .is_empty()
    );
}

#[test]
fn a_malformed_approval_trailer_is_an_error() {
    let repo = Repo::new("malformed");
    let sha = repo.commit(
        "Approve\n\nApproved-by: Alice Example as release-authority",
        &[],
    );
    let err = approvals_from_git(repo.path(), "HEAD", &roles()).unwrap_err();
    assert!(matches!(err, Error::Trailer { .. }), "{err:?}");
    let text = err.to_string();
    assert!(text.contains(&sha), "{text}");
    assert!(
        text.contains("Approved-by: Full Name <email> (role)"),
        "{text}"
    );
    assert_eq!(err.exit_code(), 2);
}

#[test]
fn git_failures_say_what_to_check() {
    let repo = Repo::new("failures");
    repo.commit("Initial", &[]);
    let err = approvals_from_git(repo.path(), "v9.9.9..HEAD", &roles()).unwrap_err();
    assert!(matches!(err, Error::Git { .. }), "{err:?}");
    assert!(err.to_string().contains("fetch-depth: 0"), "{err}");
    let err = approvals_from_git(repo.path(), "--output=/tmp/x", &roles()).unwrap_err();
    assert!(err.to_string().contains("not empty or an option"), "{err}");
    let teams = RoleMap::new([("reviewer", ["@acme/eng"])]).unwrap();
    let err = approvals_from_git(repo.path(), "HEAD", &teams).unwrap_err();
    assert!(matches!(err, Error::UnresolvedTeams { .. }), "{err:?}");
}

/// With a throwaway OpenPGP key (when gpg is installed): a good signature by
/// the approver verifies their trailer, not someone else's in the same commit.
#[test]
fn signed_commits_verify_the_signers_own_approval() {
    if Command::new("gpg").arg("--version").output().is_err() {
        eprintln!("gpg is not installed: the signed path is not exercised");
        return;
    }
    let repo = Repo::new("signed");
    let home = repo.path().join(".gnupg-test");
    std::fs::create_dir_all(&home).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&home, std::fs::Permissions::from_mode(0o700)).unwrap();
    }
    let gpg = |args: &[&str]| {
        Command::new("gpg")
            .arg("--homedir")
            .arg(&home)
            .args(["--batch", "--pinentry-mode", "loopback", "--passphrase", ""])
            .args(args)
            .output()
            .expect("gpg runs")
    };
    let generated = gpg(&[
        "--quick-gen-key",
        "Alice Example <alice@example.com>",
        "ed25519",
        "sign",
        "never",
    ]);
    assert!(
        generated.status.success(),
        "{}",
        String::from_utf8_lossy(&generated.stderr)
    );
    // git runs gpg through this wrapper, so the test's keyring is used by
    // both signing and verification without touching the environment.
    let wrapper = repo.path().join(".gpg-wrapper.sh");
    std::fs::write(
        &wrapper,
        format!(
            "#!/bin/sh\nexec gpg --homedir '{}' \"$@\"\n",
            home.display()
        ),
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&wrapper, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    repo.git(&["config", "gpg.program", wrapper.to_str().unwrap()]);
    repo.git(&["config", "user.signingkey", "alice@example.com"]);
    repo.git(&["config", "user.email", "alice@example.com"]);
    let base = repo.commit("Initial", &[]);
    let signed = repo.commit(
        "Approve release 1.2.0\n\n\
         Approved-by: Alice Example <alice@example.com> (release-authority)\n\
         Approved-by: Dana Scully <dana@example.com> (regulatory)",
        &["-S"],
    );
    let approvals = approvals_from_git(repo.path(), &format!("{base}..HEAD"), &roles()).unwrap();
    // End the agent gpg started for this keyring.
    let _ = Command::new("gpgconf")
        .arg("--homedir")
        .arg(&home)
        .args(["--kill", "gpg-agent"])
        .output();
    assert_eq!(approvals.len(), 2);
    let alice = approvals
        .iter()
        .find(|a| a.who == "alice@example.com")
        .unwrap();
    let dana = approvals
        .iter()
        .find(|a| a.who == "dana@example.com")
        .unwrap();
    assert_eq!(alice.commit.as_deref(), Some(signed.as_str()));
    assert!(alice.signature_verified, "a good signature by the approver");
    assert!(
        !dana.signature_verified,
        "Alice's signature does not verify Dana's approval"
    );
}
