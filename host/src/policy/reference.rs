//! Policy references as `regops.toml` writes them (`policy = "..."`), and
//! the component bytes each resolves to. One place for `regops check`,
//! `regops policy lock` and `regops policy inspect`.

use std::path::{Path, PathBuf};

use super::builtin::{BUILTINS, Builtin, find};

/// A parsed policy reference.
pub enum Reference {
    /// `builtin:<id>`: a gate embedded in this binary.
    Builtin(&'static Builtin),
    /// A component file, relative to the configuration's directory.
    Path(PathBuf),
}

/// A reference's component bytes and their digest.
pub struct Resolved {
    pub bytes: Vec<u8>,
    pub sha256: String,
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
        if let Some((scheme, _)) = reference.split_once("://") {
            return Err(format!(
                "policy `{reference}`: {scheme}:// policy references are not supported yet; \
                 download the component, review it, and name it by path (`policy = \"policies/gate.wasm\"`), \
                 pinned by `regops policy lock`"
            ));
        }
        Ok(Reference::Path(dir.join(reference)))
    }

    /// The component's bytes and SHA-256.
    pub fn resolve(&self) -> Result<Resolved, String> {
        match self {
            Reference::Builtin(builtin) => Ok(Resolved {
                bytes: builtin.component.to_vec(),
                sha256: builtin.sha256.to_string(),
            }),
            Reference::Path(path) => {
                let bytes = std::fs::read(path)
                    .map_err(|e| format!("cannot read policy component {}: {e}", path.display()))?;
                let sha256 = crate::digest::sha256_hex(&bytes);
                Ok(Resolved { bytes, sha256 })
            }
        }
    }
}
