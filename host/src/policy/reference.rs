//! Policy references as `regops.toml` writes them (`policy = "..."`), and
//! the component bytes each resolves to. One place for `regops check`,
//! `regops policy lock` and `regops policy inspect`.

use std::path::{Path, PathBuf};

use super::builtin::{BUILTINS, Builtin, find};
use super::fetch;
use super::oci::{self, OciRef};

/// A parsed policy reference.
pub enum Reference {
    /// `builtin:<id>`: a gate embedded in this binary.
    Builtin(&'static Builtin),
    /// A component file, relative to the configuration's directory.
    Path(PathBuf),
    /// `https://…` (or `http://` to loopback): fetched at every run.
    Url(String),
    /// `oci://registry/repo:tag` or `…@sha256:…`: pulled at every run.
    Oci(OciRef),
}

/// A reference's component bytes and their digest.
pub struct Resolved {
    pub bytes: Vec<u8>,
    pub sha256: String,
    /// For an OCI reference, the manifest digest it resolved to (`sha256:…`).
    pub manifest: Option<String>,
}

impl Resolved {
    fn of(bytes: Vec<u8>, manifest: Option<String>) -> Resolved {
        Resolved {
            sha256: crate::digest::sha256_hex(&bytes),
            bytes,
            manifest,
        }
    }
}

impl Reference {
    /// Parses `reference`; the error is a sentence for a config error at its line.
    pub fn parse(reference: &str, dir: &Path) -> Result<Reference, String> {
        if let Some(id) = reference.strip_prefix("builtin:") {
            return find(id).map(Reference::Builtin).ok_or_else(|| {
                let known: Vec<&str> = BUILTINS.iter().map(|b| b.id).collect();
                format!(
                    "there is no built-in gate `{id}`; built-in gates: {}",
                    known.join(", ")
                )
            });
        }
        if reference.starts_with("oci://") {
            return OciRef::parse(reference).map(Reference::Oci);
        }
        if reference.starts_with("https://") || reference.starts_with("http://") {
            if !crate::http::is_allowed_url(reference) {
                return Err(format!(
                    "policy `{reference}`: plain http is allowed only to loopback (a local test server); \
                     use https://"
                ));
            }
            return Ok(Reference::Url(reference.to_string()));
        }
        if let Some((scheme, _)) = reference.split_once("://") {
            return Err(format!(
                "policy `{reference}`: {scheme}:// is not a policy reference; use `builtin:<id>`, \
                 a path, `https://…`, or `oci://registry/repo:tag` (or `@sha256:…`)"
            ));
        }
        Ok(Reference::Path(dir.join(reference)))
    }

    /// True for what comes from outside the binary (and so must be pinned).
    pub fn is_external(&self) -> bool {
        !matches!(self, Reference::Builtin(_))
    }

    /// The component's bytes and SHA-256, as the reference names them now
    /// (an OCI tag is resolved afresh).
    pub fn resolve(&self) -> Result<Resolved, String> {
        self.resolve_at(None)
    }

    /// As `resolve`, but an OCI tag is pulled by `manifest` (a digest the
    /// lockfile recorded) instead of being resolved again.
    pub fn resolve_at(&self, manifest: Option<&str>) -> Result<Resolved, String> {
        match self {
            Reference::Builtin(builtin) => Ok(Resolved {
                bytes: builtin.component.to_vec(),
                sha256: builtin.sha256.to_string(),
                manifest: None,
            }),
            Reference::Path(path) => {
                let bytes = std::fs::read(path)
                    .map_err(|e| format!("cannot read policy component {}: {e}", path.display()))?;
                Ok(Resolved::of(bytes, None))
            }
            Reference::Url(url) => Ok(Resolved::of(fetch::https(url)?, None)),
            Reference::Oci(reference) => {
                let pulled = oci::pull(reference, manifest.filter(|_| reference.is_tag()))?;
                Ok(Resolved::of(pulled.bytes, Some(pulled.manifest)))
            }
        }
    }
}
