//! `regops.lock`: the SHA-256 of every policy component. An external
//! component is compared with its pin before it is compiled (no pin, no
//! run); a built-in gate the lockfile lists must be the one this regops
//! embeds, so an upgrade that changes a gate shows up in review.
//! `regops policy lock` writes it.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::config::{Config, ConfigError, ConfigErrors, Source};
use crate::policy::contract;
use crate::policy::reference::Reference;

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
    /// The contract it was built against, `regops:gate@x.y.z` (informative).
    #[serde(default)]
    pub wit: Option<String>,
    /// Size of the component in bytes (informative).
    #[serde(default)]
    pub size: Option<u64>,
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

    /// The pins, in file order.
    pub fn pins(&self) -> &[Pin] {
        &self.pins
    }

    /// Checks an embedded gate against its pin, when the lockfile has one: a
    /// different digest means regops changed the gate since the lock was reviewed.
    pub fn verify_builtin(&self, gate: &str, source: &str, embedded: &str) -> Result<(), String> {
        match self.pins.iter().find(|p| p.source == source) {
            Some(pin) if !pin.sha256.eq_ignore_ascii_case(embedded) => Err(format!(
                "gate `{gate}`: the built-in policy `{source}` is pinned in {} as sha256 {}, but this regops {} \
                 embeds sha256 {embedded}: regops was upgraded (or changed) since the lock was written. \
                 Re-run `regops policy lock`, and review the change of the gate before committing the lockfile",
                self.path.display(),
                pin.sha256,
                contract::REGOPS_VERSION,
            )),
            _ => Ok(()),
        }
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

/// Resolves every gate `config` runs (the configured ones and `ci`, built-in
/// or by path) and pins it: source, SHA-256, contract version and size. The
/// lockfile's text, deterministic for the same components.
pub fn lock(config: &Config) -> anyhow::Result<(Vec<Pin>, String)> {
    let gates = config.effective_gates(&[])?;
    let mut pins: Vec<Pin> = Vec::new();
    let mut errors = Vec::new();
    for gate in &gates {
        let source = gate.policy.get_ref();
        if pins.iter().any(|p| &p.source == source) {
            continue;
        }
        let resolved = Reference::parse(source, &config.dir).and_then(|r| r.resolve());
        let resolved = match resolved {
            Ok(resolved) => resolved,
            Err(message) => {
                errors.push(config.source.error_at(gate.policy.span(), message));
                continue;
            }
        };
        let facts = contract::read(source, &resolved.bytes)
            .and_then(|facts| contract::check(source, &facts).map(|()| facts))
            .map_err(|e| anyhow::anyhow!("gate `{}`: {e}", gate.id.get_ref()))?;
        pins.push(Pin {
            source: source.clone(),
            sha256: resolved.sha256,
            wit: facts.wit_package(),
            size: Some(facts.size),
        });
    }
    if !errors.is_empty() {
        return Err(ConfigErrors(errors).into());
    }
    Ok((pins.clone(), render(&pins)))
}

/// The lockfile text of `pins`.
pub fn render(pins: &[Pin]) -> String {
    let mut out = String::from(
        "# regops.lock: written by `regops policy lock`. Review every change:\n\
         # a new digest is a different policy judging your releases.\n\
         version = 1\n",
    );
    for pin in pins {
        let _ = write!(
            out,
            "\n[[policy]]\nsource = {}\nsha256 = {}\n",
            toml_string(&pin.source),
            toml_string(&pin.sha256)
        );
        if let Some(wit) = &pin.wit {
            let _ = writeln!(out, "wit = {}", toml_string(wit));
        }
        if let Some(size) = pin.size {
            let _ = writeln!(out, "size = {size}");
        }
    }
    out
}

/// A TOML basic string.
fn toml_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
