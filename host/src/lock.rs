//! `regops.lock`: the SHA-256 of every policy component. An external
//! component (a path, an `https://` URL, an `oci://` reference) is compared
//! with its pin before it is compiled (no pin, no run); an OCI tag also
//! records the manifest it resolved to, so a moved tag is caught; a
//! built-in gate the lockfile lists must be the one this regops embeds, so
//! an upgrade that changes a gate shows up in review. `regops policy lock`
//! writes it.
//!
//! Locked mode (`regops check --locked`, or `CI` set in the environment)
//! pulls an OCI tag by the manifest digest the lockfile recorded instead of
//! resolving the tag again: CI is judged by the reviewed bytes, whatever
//! the tag names today.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use serde::Deserialize;

use crate::config::{Config, ConfigError, ConfigErrors, Source};
use crate::policy::contract;
use crate::policy::reference::{Reference, Resolved};

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
    /// For an OCI tag, the manifest digest (`sha256:…`) it resolved to.
    #[serde(default)]
    pub manifest: Option<String>,
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
    /// Pull OCI tags by their locked manifest digest (see the module doc).
    pub locked: bool,
}

/// Set by `--locked`; `CI` in the environment has the same effect.
static LOCKED_FLAG: AtomicBool = AtomicBool::new(false);

/// `--locked` was given: every lockfile this process loads is locked.
pub fn set_locked() {
    LOCKED_FLAG.store(true, Ordering::Relaxed);
}

/// Locked mode: `--locked`, or `CI` set to anything but empty, `0` or
/// `false` (GitHub Actions, GitLab CI and most others set `CI=true`).
pub fn locked() -> bool {
    LOCKED_FLAG.load(Ordering::Relaxed)
        || std::env::var("CI")
            .is_ok_and(|v| !v.is_empty() && v != "0" && !v.eq_ignore_ascii_case("false"))
}

/// Why an external component was not loaded.
#[derive(Debug)]
pub enum Refused {
    /// It could not be read or fetched (names the reference and the fix).
    Unavailable(String),
    /// No pin, a different digest, or a moved tag.
    Pin(String),
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
                    locked: locked(),
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
            locked: locked(),
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

    fn pin(&self, source: &str) -> Option<&Pin> {
        self.pins.iter().find(|p| p.source == source)
    }

    /// Reads or fetches an external component and checks it against its
    /// pin, before anything compiles it. An OCI tag is pulled by its locked
    /// manifest in locked mode; otherwise it is resolved, and a manifest
    /// other than the locked one is tag drift.
    pub fn fetch_verified(
        &self,
        gate: &str,
        source: &str,
        reference: &Reference,
    ) -> Result<Resolved, Refused> {
        let pin = self.pin(source);
        if pin.is_none() && !matches!(reference, Reference::Path(_)) {
            return Err(Refused::Pin(format!(
                "gate `{gate}`: policy `{source}` is not pinned in {}; review the component, then run \
                 `regops policy lock` to pin it (and commit the lockfile with the review)",
                self.path.display()
            )));
        }
        let locked_manifest = pin
            .and_then(|p| p.manifest.as_deref())
            .filter(|_| self.locked);
        let resolved = reference
            .resolve_at(locked_manifest)
            .map_err(|e| Refused::Unavailable(format!("gate `{gate}`: {e}")))?;
        if let (Some(pin), Reference::Oci(oci)) = (pin, reference)
            && oci.is_tag()
            && let (Some(expected), Some(actual)) = (&pin.manifest, &resolved.manifest)
            && expected != actual
        {
            return Err(Refused::Pin(format!(
                "gate `{gate}`: tag drift: policy `{source}` now resolves to manifest {actual} \
                 (component sha256 {}), but {} pins manifest {expected} (component sha256 {}): the tag \
                 was moved since the lock was reviewed. Review the new component, then run \
                 `regops policy lock`; or keep the reviewed one: `policy = \"{}\"`, then \
                 `regops policy lock`",
                resolved.sha256,
                self.path.display(),
                pin.sha256,
                oci.by_digest(expected),
            )));
        }
        self.verify(gate, source, &resolved.sha256)
            .map_err(Refused::Pin)?;
        Ok(resolved)
    }

    /// Checks a component's digest against its pin, before anything compiles it.
    pub fn verify(&self, gate: &str, source: &str, actual: &str) -> Result<(), String> {
        match self.pin(source) {
            None => Err(format!(
                "gate `{gate}`: policy `{source}` is not pinned in {}; review the component, then add\n\
                 [[policy]]\nsource = {source:?}\nsha256 = \"{actual}\"",
                self.path.display()
            )),
            Some(pin) if !pin.sha256.eq_ignore_ascii_case(actual) => Err(format!(
                "gate `{gate}`: policy `{source}` does not match its pin in {}: expected sha256 {}, found {actual}; \
                 the component changed since it was reviewed and pinned. Review the change, then run \
                 `regops policy lock`",
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

/// Resolves every gate `config` runs (the configured ones and `ci`: built-in,
/// by path, URL or OCI reference) and pins it: source, SHA-256, the
/// manifest an OCI tag resolved to, contract version and size. The
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
        let reference = Reference::parse(source, &config.dir);
        let resolved = reference
            .as_ref()
            .map_err(Clone::clone)
            .and_then(Reference::resolve);
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
        let is_tag = matches!(&reference, Ok(Reference::Oci(oci)) if oci.is_tag());
        pins.push(Pin {
            source: source.clone(),
            sha256: resolved.sha256,
            manifest: resolved.manifest.filter(|_| is_tag),
            wit: facts.wit_package(),
            size: Some(facts.size),
        });
    }
    if !errors.is_empty() {
        return Err(ConfigErrors(errors).into());
    }
    Ok((pins.clone(), render(&pins)))
}

/// What differs between the pins `lock` resolved now and the lockfile's:
/// one line per policy, empty when the lockfile is up to date.
pub fn differences(lockfile: &Lockfile, now: &[Pin]) -> Vec<String> {
    let mut out = Vec::new();
    for pin in now {
        match lockfile.pin(&pin.source) {
            None => out.push(format!(
                "`{}` is not pinned (it would be pinned as sha256 {})",
                pin.source, pin.sha256
            )),
            Some(old)
                if old.manifest.is_some()
                    && pin.manifest.is_some()
                    && old.manifest != pin.manifest =>
            {
                out.push(format!(
                    "`{}`: tag drift: the lock pins manifest {} (component sha256 {}), the tag now names manifest {} (component sha256 {})",
                    pin.source,
                    old.manifest.as_deref().unwrap_or_default(),
                    old.sha256,
                    pin.manifest.as_deref().unwrap_or_default(),
                    pin.sha256
                ));
            }
            Some(old) if !old.sha256.eq_ignore_ascii_case(&pin.sha256) => out.push(format!(
                "`{}`: the lock pins sha256 {}, the component is now sha256 {}",
                pin.source, old.sha256, pin.sha256
            )),
            Some(old) if old.manifest.is_none() && pin.manifest.is_some() => out.push(format!(
                "`{}`: the lock does not record the manifest the tag resolves to ({})",
                pin.source,
                pin.manifest.as_deref().unwrap_or_default()
            )),
            Some(_) => {}
        }
    }
    for old in &lockfile.pins {
        if !now.iter().any(|p| p.source == old.source) {
            out.push(format!(
                "`{}` is pinned but no gate uses it any more",
                old.source
            ));
        }
    }
    out
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
        if let Some(manifest) = &pin.manifest {
            let _ = writeln!(out, "manifest = {}", toml_string(manifest));
        }
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

/// `regops policy lock`: resolves every reference afresh and writes the
/// lockfile, saying what changed against the one it replaces (what the
/// reviewer of the lockfile's diff must look at).
pub fn write(config: &Config) -> anyhow::Result<i32> {
    let before = Lockfile::load(&config.dir)?;
    let (pins, text) = lock(config)?;
    let changes = if before.pins.is_empty() {
        Vec::new()
    } else {
        differences(&before, &pins)
    };
    std::fs::write(&before.path, text)
        .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", before.path.display()))?;
    for pin in &pins {
        eprintln!("pinned {} sha256:{}", pin.source, pin.sha256);
    }
    for change in &changes {
        eprintln!("changed: {change}");
    }
    eprintln!("wrote {}", before.path.display());
    Ok(0)
}

/// `regops policy lock --check`: resolves every reference again (tags
/// included) and compares with the lockfile, writing nothing. Exit 0 when
/// it is up to date, 2 with one line per difference when not.
pub fn check(config: &Config) -> anyhow::Result<i32> {
    let lockfile = Lockfile::load(&config.dir)?;
    let (pins, _) = lock(config)?;
    let differences = differences(&lockfile, &pins);
    if differences.is_empty() {
        eprintln!(
            "{} is up to date: {} policies, each resolves to its pinned digest",
            lockfile.path.display(),
            pins.len()
        );
        return Ok(0);
    }
    for line in &differences {
        eprintln!("{}: {line}", lockfile.path.display());
    }
    eprintln!(
        "{} is out of date ({} difference(s)); review the changed policies, then run `regops policy lock`",
        lockfile.path.display(),
        differences.len()
    );
    Ok(2)
}
