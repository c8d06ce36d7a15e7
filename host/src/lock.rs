//! `regops.lock`: the SHA-256 of every external policy component. A
//! component is compared with its pin before it is compiled; no pin, no run.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::config::{ConfigError, ConfigErrors, Source};

/// The lockfile's name, next to `regops.toml`.
pub const LOCKFILE: &str = "regops.lock";

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLock {
    version: u32,
    #[serde(default)]
    policy: Vec<Pin>,
}

/// One pinned policy.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pin {
    /// The policy reference exactly as `regops.toml` writes it.
    pub source: String,
    /// SHA-256 of the component bytes, lowercase hex.
    pub sha256: String,
}

/// The pins of one configuration.
#[derive(Debug, Clone, Default)]
pub struct Lockfile {
    pub path: PathBuf,
    pins: Vec<Pin>,
}

impl Lockfile {
    /// Reads `regops.lock` from the config directory; absent means no pins.
    pub fn load(dir: &Path) -> Result<Lockfile, ConfigErrors> {
        let path = dir.join(LOCKFILE);
        let display = path.display().to_string();
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Lockfile {
                    path,
                    pins: Vec::new(),
                });
            }
            Err(e) => {
                return Err(one_error(
                    &display,
                    None,
                    format!("cannot read the lockfile: {e}"),
                ));
            }
        };
        let raw: RawLock = Source::new(display.clone(), text).parse_toml()?;
        if raw.version != 1 {
            return Err(one_error(
                &display,
                None,
                format!(
                    "lockfile version {} is not supported; this regops reads version 1",
                    raw.version
                ),
            ));
        }
        Ok(Lockfile {
            path,
            pins: raw.policy,
        })
    }

    /// Checks a component's digest against its pin, before anything compiles it.
    pub fn verify(&self, gate: &str, source: &str, actual: &str) -> Result<(), String> {
        match self.pins.iter().find(|p| p.source == source) {
            None => Err(format!(
                "gate `{gate}`: policy `{source}` is not pinned in {}; review the component, then add\n\
                 [[policy]]\nsource = {source:?}\nsha256 = \"{actual}\"",
                self.path.display()
            )),
            Some(pin) if !pin.sha256.eq_ignore_ascii_case(actual) => Err(format!(
                "gate `{gate}`: policy `{source}` does not match its pin in {}: expected sha256 {}, found {actual}; \
                 the component changed since it was reviewed and pinned",
                self.path.display(),
                pin.sha256
            )),
            Some(_) => Ok(()),
        }
    }
}

fn one_error(file: &str, line: Option<usize>, message: String) -> ConfigErrors {
    ConfigErrors(vec![ConfigError {
        file: file.to_string(),
        line,
        column: None,
        message,
    }])
}
