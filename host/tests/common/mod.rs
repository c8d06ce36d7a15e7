//! A throwaway project directory with evidence files and a `regops.toml`,
//! and the real `regops` binary run against it.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root.
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("host/ has a parent")
        .to_path_buf()
}

/// A file under `tests/fixtures/`.
pub fn fixture(rel: &str) -> PathBuf {
    repo().join("tests/fixtures").join(rel)
}

/// The example project's evidence: 34 passing pytest cases, 91.5% line
/// coverage, one low-severity bandit note.
pub fn example_evidence(rel: &str) -> PathBuf {
    repo().join("examples/cardiosense/evidence").join(rel)
}

pub struct Project {
    pub dir: tempfile::TempDir,
}

/// The result of one `regops` run.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    fn from(output: Output) -> Run {
        Run {
            code: output
                .status
                .code()
                .expect("regops exited normally, not by a signal"),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e}):\n{}\n{}",
                self.stdout, self.stderr
            )
        })
    }
}

impl Project {
    pub fn new() -> Project {
        Project {
            dir: tempfile::tempdir().expect("a temporary directory"),
        }
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// Copies `from` into the project as `to`.
    pub fn copy(&self, from: &Path, to: &str) -> &Project {
        let dest = self.path(to);
        std::fs::create_dir_all(dest.parent().expect("a parent")).expect("create dirs");
        std::fs::copy(from, &dest)
            .unwrap_or_else(|e| panic!("copy {} -> {}: {e}", from.display(), dest.display()));
        self
    }

    pub fn write(&self, rel: &str, contents: impl AsRef<[u8]>) -> &Project {
        let dest = self.path(rel);
        std::fs::create_dir_all(dest.parent().expect("a parent")).expect("create dirs");
        std::fs::write(&dest, contents).expect("write file");
        self
    }

    /// The example's evidence files under `evidence/`: tests, coverage,
    /// findings, its SBOM and its SOUP register.
    pub fn with_example_evidence(&self) -> &Project {
        for name in ["junit.xml", "coverage.xml", "bandit.sarif", "sbom.cdx.json"] {
            self.copy(&example_evidence(name), &format!("evidence/{name}"));
        }
        self.copy(
            &repo().join("examples/cardiosense/SOUP.yaml"),
            "evidence/SOUP.yaml",
        );
        self
    }

    /// The example's doorstop requirements under `reqs/`, but `except`.
    pub fn with_example_requirements(&self, except: &[&str]) -> &Project {
        let reqs = repo().join("examples/cardiosense/reqs");
        for entry in std::fs::read_dir(&reqs).expect("the example's reqs/") {
            let path = entry.expect("a directory entry").path();
            let name = path
                .file_name()
                .expect("a name")
                .to_string_lossy()
                .into_owned();
            if !except.contains(&name.as_str()) {
                self.copy(&path, &format!("reqs/{name}"));
            }
        }
        self
    }

    /// A `regops.toml` reading `evidence/` at `class`, plus `extra` lines.
    pub fn config(&self, class: &str, extra: &str) -> &Project {
        self.write(
            "regops.toml",
            format!(
                "product = \"CardioSense\"\nsafety-class = \"{class}\"\n\n[evidence]\ntests = [\"evidence/junit.xml\"]\n\
                 coverage = [\"evidence/coverage.xml\"]\nfindings = [\"evidence/*.sarif\"]\n\
                 sbom = [\"evidence/sbom.cdx.json\"]\nsoup = [\"evidence/SOUP.yaml\"]\n{extra}"
            ),
        )
    }

    /// Runs `regops <args>` in the project directory.
    pub fn regops(&self, args: &[&str]) -> Run {
        self.regops_with_env(args, &[])
    }

    /// Runs `regops <args>` with extra environment variables (and none of
    /// the GitHub Actions ones the test itself may run under).
    pub fn regops_with_env(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        let mut command = Command::new(env!("CARGO_BIN_EXE_regops"));
        command.args(args).current_dir(self.dir.path());
        for var in ["GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY", "GITHUB_OUTPUT"] {
            command.env_remove(var);
        }
        command.envs(env.iter().copied());
        Run::from(command.output().expect("run regops"))
    }

    pub fn check(&self) -> Run {
        self.regops(&["check"])
    }

    pub fn check_json(&self) -> Run {
        self.regops(&["check", "--format", "json"])
    }
}

/// The check with `id` in gate `gate` of a JSON report.
pub fn check<'a>(report: &'a serde_json::Value, gate: &str, id: &str) -> &'a serde_json::Value {
    let gate = report["gates"]
        .as_array()
        .and_then(|gates| gates.iter().find(|g| g["id"] == gate))
        .unwrap_or_else(|| panic!("no gate {gate} in {report:#}"));
    gate["checks"]
        .as_array()
        .and_then(|checks| checks.iter().find(|c| c["id"] == id))
        .unwrap_or_else(|| panic!("no check {id} in {gate:#}"))
}

/// The outcome of gate `id` in a JSON report.
pub fn gate_outcome(report: &serde_json::Value, id: &str) -> String {
    report["gates"]
        .as_array()
        .and_then(|gates| gates.iter().find(|g| g["id"] == id))
        .map(|g| g["outcome"].as_str().unwrap_or_default().to_string())
        .unwrap_or_else(|| panic!("no gate {id} in {report:#}"))
}

/// Serves `body` as `content_type` at `path` on loopback, for `requests`
/// requests; returns the URL.
pub fn serve(path: &str, content_type: &'static str, body: Vec<u8>, requests: usize) -> String {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let url = format!("http://{}{path}", listener.local_addr().expect("addr"));
    std::thread::spawn(move || {
        for stream in listener.incoming().take(requests) {
            let mut stream = stream.expect("accept");
            let mut request = [0u8; 4096];
            let _ = stream.read(&mut request);
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = stream.write_all(&body);
        }
    });
    url
}

/// SHA-256 of `bytes`, lowercase hex.
pub fn sha256(bytes: impl AsRef<[u8]>) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes.as_ref())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
