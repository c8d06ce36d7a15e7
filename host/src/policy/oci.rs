//! `oci://registry/repo:tag` and `oci://registry/repo@sha256:…` policy
//! references: pulled from an OCI registry into memory (never cached, so
//! nothing on disk can be swapped under a pin) and pushed in the CNCF
//! WebAssembly artifact layout.
//!
//! Pull accepts a manifest with one wasm layer, `application/wasm` (CNCF
//! TAG Runtime layout) or the older `application/vnd.wasm.content.layer.v1+wasm`.
//! Credentials come from the Docker config (`$DOCKER_CONFIG/config.json` or
//! `~/.docker/config.json`, `auths.<host>.auth`). Plain http is used only for
//! loopback registries (a local or test registry).

use std::collections::BTreeMap;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use base64::Engine as _;
use oci_client::client::{ClientConfig, ClientProtocol, Config, ImageLayer};
use oci_client::errors::OciDistributionError;
use oci_client::manifest::{OCI_IMAGE_MEDIA_TYPE, OciDescriptor, OciImageManifest};
use oci_client::secrets::RegistryAuth;
use oci_client::{Client, Reference};

use super::contract::Facts;
use super::fetch::MAX_COMPONENT_BYTES;
use crate::http::is_loopback_host;

/// The CNCF WebAssembly artifact's config and layer media types.
pub const WASM_CONFIG_MEDIA_TYPE: &str = "application/vnd.wasm.config.v0+json";
pub const WASM_LAYER_MEDIA_TYPE: &str = "application/wasm";
/// The layer type of the older wasm-to-oci layout, accepted on pull.
pub const LEGACY_WASM_LAYER_MEDIA_TYPE: &str = "application/vnd.wasm.content.layer.v1+wasm";

/// A parsed `oci://` reference.
#[derive(Debug, Clone)]
pub struct OciRef {
    /// As written, `oci://` included (for messages).
    pub text: String,
    inner: Reference,
}

/// A component pulled from a registry.
#[derive(Debug)]
pub struct Pulled {
    pub bytes: Vec<u8>,
    /// The digest of the manifest it came from, `sha256:…`.
    pub manifest: String,
}

/// What `push` wrote.
#[derive(Debug)]
pub struct Pushed {
    /// The manifest digest the tag now names, `sha256:…`.
    pub manifest: String,
    /// The reference by digest: `oci://registry/repo@sha256:…`.
    pub by_digest: String,
}

impl OciRef {
    /// Parses `oci://registry[:port]/repository(:tag|@sha256:hex)`. The
    /// registry is required: a bare `repo:tag` would silently mean Docker Hub.
    pub fn parse(text: &str) -> Result<OciRef, String> {
        let rest = text.strip_prefix("oci://").unwrap_or(text);
        let form = "write `oci://registry.example/repo/gate:1.0` or `oci://registry.example/repo/gate@sha256:<64 hex digits>`";
        let Some((registry, _)) = rest.split_once('/') else {
            return Err(format!("`{text}` names no registry and repository; {form}"));
        };
        if !(registry.contains('.') || registry.contains(':') || registry == "localhost") {
            return Err(format!(
                "`{text}`: `{registry}` is not a registry host (it has no dot or port); {form}"
            ));
        }
        let inner: Reference = rest
            .parse()
            .map_err(|e| format!("`{text}` is not an OCI reference ({e}); {form}"))?;
        // oci-spec fills in an implicit `latest`; a reference must say what it names.
        let named = rest.contains('@')
            || rest
                .rsplit('/')
                .next()
                .is_some_and(|last| last.contains(':'));
        if !named {
            return Err(format!(
                "`{text}` names no tag or digest; {form} (an implicit `latest` is not pinned to anything)"
            ));
        }
        if let Some(digest) = inner.digest()
            && !is_sha256_digest(digest)
        {
            return Err(format!(
                "`{text}`: `{digest}` is not a sha256 digest; {form}"
            ));
        }
        Ok(OciRef {
            text: text.to_string(),
            inner,
        })
    }

    /// True when the reference names a tag and no digest: what it resolves
    /// to can move, so the lockfile records the manifest it resolved to.
    pub fn is_tag(&self) -> bool {
        self.inner.digest().is_none()
    }

    pub fn registry(&self) -> &str {
        self.inner.registry()
    }

    /// This reference pinned to `manifest` (`sha256:…`).
    fn at(&self, manifest: &str) -> Reference {
        Reference::with_digest(
            self.inner.registry().to_string(),
            self.inner.repository().to_string(),
            manifest.to_string(),
        )
    }

    /// `oci://registry/repo@<manifest>`.
    pub fn by_digest(&self, manifest: &str) -> String {
        format!(
            "oci://{}/{}@{manifest}",
            self.inner.registry(),
            self.inner.repository()
        )
    }
}

fn is_sha256_digest(digest: &str) -> bool {
    digest.strip_prefix("sha256:").is_some_and(|hex| {
        hex.len() == 64
            && hex
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    })
}

/// Pulls the component `reference` names, or, with `manifest`, the one that
/// manifest digest names in the same repository (what `--locked` does).
pub fn pull(reference: &OciRef, manifest: Option<&str>) -> Result<Pulled, String> {
    let target = match manifest {
        Some(digest) => reference.at(digest),
        None => reference.inner.clone(),
    };
    let shown = match manifest {
        Some(digest) => format!("{} (locked to manifest {digest})", reference.text),
        None => reference.text.clone(),
    };
    let auth = credentials(reference.registry())?;
    let client = client(reference.registry())?;
    runtime()?.block_on(async {
        let (image, digest) = client
            .pull_image_manifest(&target, &auth)
            .await
            .map_err(|e| {
                let gone = manifest.is_some() && is_not_found(&e);
                let message = explain(&shown, reference.registry(), "pull", e);
                if gone {
                    format!(
                        "{message}. regops.lock pins that manifest and the registry no longer has it: \
                         review what the tag names now, then run `regops policy lock`"
                    )
                } else {
                    message
                }
            })?;
        let layer = wasm_layer(&shown, &image.layers)?;
        if u64::try_from(layer.size).unwrap_or(u64::MAX) > MAX_COMPONENT_BYTES {
            return Err(format!(
                "{shown}: its wasm layer is {} bytes, above the {MAX_COMPONENT_BYTES}-byte limit for a gate component",
                layer.size
            ));
        }
        let mut out = Capped::default();
        // pull_blob checks the bytes against the layer digest.
        client
            .pull_blob(&target, layer, &mut out)
            .await
            .map_err(|e| explain(&shown, reference.registry(), "pull", e))?;
        Ok(Pulled {
            bytes: out.bytes,
            manifest: digest,
        })
    })
}

/// The one wasm layer of a manifest.
fn wasm_layer<'a>(shown: &str, layers: &'a [OciDescriptor]) -> Result<&'a OciDescriptor, String> {
    let wasm: Vec<&OciDescriptor> = layers
        .iter()
        .filter(|l| {
            l.media_type == WASM_LAYER_MEDIA_TYPE || l.media_type == LEGACY_WASM_LAYER_MEDIA_TYPE
        })
        .collect();
    match wasm.as_slice() {
        [one] => Ok(one),
        [] => {
            let types: Vec<&str> = layers.iter().map(|l| l.media_type.as_str()).collect();
            Err(format!(
                "{shown} is not a WebAssembly artifact: its manifest has no `{WASM_LAYER_MEDIA_TYPE}` \
                 (or `{LEGACY_WASM_LAYER_MEDIA_TYPE}`) layer, only {}. Push the gate component with \
                 `regops policy push gate.wasm {}`",
                if types.is_empty() {
                    "no layers".to_string()
                } else {
                    types
                        .iter()
                        .map(|t| format!("`{t}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                },
                shown.split(' ').next().unwrap_or(shown)
            ))
        }
        _ => Err(format!(
            "{shown} has {} wasm layers; a gate artifact holds exactly one component",
            wasm.len()
        )),
    }
}

/// Pushes `bytes` (a gate component) to `reference` in the CNCF layout.
pub fn push(bytes: &[u8], facts: &Facts, reference: &OciRef) -> Result<Pushed, String> {
    if !reference.is_tag() {
        return Err(format!(
            "{}: push to a tag (`oci://registry/repo:1.0`); the registry assigns the digest",
            reference.text
        ));
    }
    let layer_digest = format!("sha256:{}", crate::digest::sha256_hex(bytes));
    let config = serde_json::json!({
        "created": created(),
        "architecture": "wasm",
        "os": "wasip2",
        "layerDigests": [layer_digest],
        "component": {
            "exports": facts.exports,
            "imports": facts.imports,
            "target": facts.contract.as_ref().map(|v| format!("regops:gate/gate@{v}")),
        },
    });
    let config = Config::new(
        serde_json::to_vec(&config).map_err(|e| e.to_string())?,
        WASM_CONFIG_MEDIA_TYPE.to_string(),
        None,
    );
    let layer = ImageLayer::new(bytes.to_vec(), WASM_LAYER_MEDIA_TYPE.to_string(), None);
    let mut annotations = BTreeMap::new();
    if let Some(version) = facts.metadata.as_ref().and_then(|m| m.version.clone()) {
        annotations.insert("org.opencontainers.image.version".to_string(), version);
    }
    if let Some(source) = facts.metadata.as_ref().and_then(|m| m.source.clone()) {
        annotations.insert("org.opencontainers.image.source".to_string(), source);
    }
    let mut manifest = OciImageManifest::build(
        std::slice::from_ref(&layer),
        &config,
        (!annotations.is_empty()).then_some(annotations),
    );
    manifest.media_type = Some(OCI_IMAGE_MEDIA_TYPE.to_string());
    manifest.artifact_type = Some(WASM_CONFIG_MEDIA_TYPE.to_string());
    let auth = credentials(reference.registry())?;
    let client = client(reference.registry())?;
    let shown = &reference.text;
    runtime()?.block_on(async {
        client
            .push(&reference.inner, &[layer], config, &auth, Some(manifest))
            .await
            .map_err(|e| explain(shown, reference.registry(), "push", e))?;
        let digest = client
            .fetch_manifest_digest(&reference.inner, &auth)
            .await
            .map_err(|e| explain(shown, reference.registry(), "push", e))?;
        Ok(Pushed {
            by_digest: reference.by_digest(&digest),
            manifest: digest,
        })
    })
}

/// The CNCF config's `created`: the day of the push (UTC midnight), so the
/// same component pushed twice in a day gets the same manifest digest.
fn created() -> String {
    format!("{}T00:00:00Z", crate::waivers::Date::today())
}

fn runtime() -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the network runtime: {e}"))
}

fn client(registry: &str) -> Result<Client, String> {
    // reqwest is built without a bundled crypto provider; ring is the one
    // already in the tree. Installing twice is harmless (the first wins).
    let _ = rustls::crypto::ring::default_provider().install_default();
    let protocol = if is_loopback_host(registry) {
        ClientProtocol::HttpsExcept(vec![registry.to_string()])
    } else {
        ClientProtocol::Https
    };
    let config = ClientConfig {
        protocol,
        // An image index has no business in a gate reference: refuse it
        // rather than pick a platform.
        platform_resolver: None,
        connect_timeout: Some(Duration::from_secs(10)),
        read_timeout: Some(Duration::from_secs(60)),
        user_agent: concat!("regops/", env!("CARGO_PKG_VERSION")),
        ..ClientConfig::default()
    };
    Client::try_from(config).map_err(|e| format!("cannot set up the OCI client: {e}"))
}

/// The registry's credentials from the Docker config, or anonymous.
fn credentials(registry: &str) -> Result<RegistryAuth, String> {
    let path = match std::env::var_os("DOCKER_CONFIG") {
        Some(dir) => std::path::PathBuf::from(dir).join("config.json"),
        None => match std::env::var_os("HOME") {
            Some(home) => std::path::PathBuf::from(home).join(".docker/config.json"),
            None => return Ok(RegistryAuth::Anonymous),
        },
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(RegistryAuth::Anonymous),
        Err(e) => {
            return Err(format!(
                "cannot read the Docker config {}: {e}",
                path.display()
            ));
        }
    };
    credentials_from(&text, registry).map_err(|e| format!("{}: {e}", path.display()))
}

/// `auths.<host>` of a Docker config: `auth` (base64 `user:password`), or
/// `username` and `password`. Keys may carry a scheme and path
/// (`https://index.docker.io/v1/`).
fn credentials_from(config: &str, registry: &str) -> Result<RegistryAuth, String> {
    let config: serde_json::Value =
        serde_json::from_str(config).map_err(|e| format!("not JSON: {e}"))?;
    let Some(auths) = config.get("auths").and_then(|a| a.as_object()) else {
        return Ok(RegistryAuth::Anonymous);
    };
    let host = |key: &str| -> String {
        let key = key
            .strip_prefix("https://")
            .or_else(|| key.strip_prefix("http://"))
            .unwrap_or(key);
        key.split('/').next().unwrap_or(key).to_string()
    };
    let Some(entry) = auths
        .iter()
        .find(|(k, _)| host(k) == registry)
        .map(|(_, v)| v)
    else {
        return Ok(RegistryAuth::Anonymous);
    };
    let text = |key: &str| {
        entry
            .get(key)
            .and_then(|v| v.as_str())
            .filter(|s| !s.is_empty())
    };
    if let Some(auth) = text("auth") {
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(auth.trim())
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
            .ok_or_else(|| format!("`auths.{registry}.auth` is not base64 of `user:password`"))?;
        let (user, password) = decoded
            .split_once(':')
            .ok_or_else(|| format!("`auths.{registry}.auth` is not base64 of `user:password`"))?;
        return Ok(RegistryAuth::Basic(user.to_string(), password.to_string()));
    }
    match (text("username"), text("password")) {
        (Some(user), Some(password)) => {
            Ok(RegistryAuth::Basic(user.to_string(), password.to_string()))
        }
        _ => Ok(RegistryAuth::Anonymous),
    }
}

/// True when the registry said the manifest or blob does not exist.
fn is_not_found(error: &OciDistributionError) -> bool {
    use oci_client::errors::OciErrorCode;
    match error {
        OciDistributionError::RegistryError { envelope, .. } => envelope.errors.iter().any(|e| {
            matches!(
                e.code,
                OciErrorCode::ManifestUnknown
                    | OciErrorCode::NameUnknown
                    | OciErrorCode::NotFound
                    | OciErrorCode::BlobUnknown
            )
        }),
        OciDistributionError::ServerError { code, .. } => *code == 404,
        _ => false,
    }
}

/// A registry error as a sentence naming the reference and the fix. The
/// password never appears: oci-client's errors carry URLs, not credentials.
fn explain(shown: &str, registry: &str, action: &str, error: OciDistributionError) -> String {
    use oci_client::errors::OciErrorCode;
    let login = format!(
        "put credentials for `{registry}` in the Docker config (`docker login {registry}`, or \
         `auths.\"{registry}\".auth` in $DOCKER_CONFIG/config.json or ~/.docker/config.json)"
    );
    match &error {
        OciDistributionError::UnauthorizedError { .. }
        | OciDistributionError::AuthenticationFailure(_) => {
            format!(
                "cannot {action} {shown}: the registry refused access (401 Unauthorized); {login}"
            )
        }
        OciDistributionError::RegistryError { envelope, .. } => {
            let codes: Vec<&OciErrorCode> = envelope.errors.iter().map(|e| &e.code).collect();
            let first = envelope
                .errors
                .first()
                .map(|e| e.message.clone())
                .unwrap_or_default();
            if is_not_found(&error) {
                format!(
                    "cannot {action} {shown}: the registry has no such repository, tag or digest \
                     (404: {first}); check the reference in regops.toml, or push the gate first \
                     (`regops policy push gate.wasm {}`)",
                    shown.split(' ').next().unwrap_or(shown)
                )
            } else if codes
                .iter()
                .any(|c| matches!(c, OciErrorCode::Unauthorized | OciErrorCode::Denied))
            {
                format!("cannot {action} {shown}: the registry denied access ({first}); {login}")
            } else {
                format!("cannot {action} {shown}: the registry answered an error: {first}")
            }
        }
        OciDistributionError::ServerError { code, message, .. } => {
            let message: String = message.chars().take(200).collect();
            match code {
                401 | 403 => format!(
                    "cannot {action} {shown}: the registry refused access ({code}); {login}"
                ),
                404 => format!(
                    "cannot {action} {shown}: not found (404); check the reference in regops.toml"
                ),
                _ => format!(
                    "cannot {action} {shown}: the registry answered {code}: {}",
                    message.trim()
                ),
            }
        }
        OciDistributionError::RequestError(e) => {
            let mut cause = e.to_string();
            let mut source = std::error::Error::source(e);
            while let Some(inner) = source {
                cause = format!("{cause}: {inner}");
                source = inner.source();
            }
            format!(
                "cannot reach the registry `{registry}` to {action} {shown}: {cause}. Check the \
                 address, that the registry is up, and that this machine can reach it \
                 (plain http is used only for loopback registries)"
            )
        }
        OciDistributionError::ImageIndexParsingNoPlatformResolverError => format!(
            "{shown} is an image index (a multi-platform image), not a WebAssembly gate artifact; \
             push the component with `regops policy push`"
        ),
        OciDistributionError::IncompatibleLayerMediaTypeError(_)
        | OciDistributionError::UnsupportedMediaTypeError(_)
        | OciDistributionError::ManifestParsingError(_)
        | OciDistributionError::VersionedParsingError(_) => format!(
            "{shown} is not a WebAssembly gate artifact ({error}); push the component with `regops policy push`"
        ),
        OciDistributionError::DigestError(_) => format!(
            "{shown}: the registry sent bytes that do not match their digest ({error}); refusing them"
        ),
        _ => format!("cannot {action} {shown}: {error}"),
    }
}

/// An in-memory sink refusing more than a gate component's size limit, so
/// a registry cannot stream without end into regops' memory.
#[derive(Default)]
struct Capped {
    bytes: Vec<u8>,
}

impl tokio::io::AsyncWrite for Capped {
    fn poll_write(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        if (self.bytes.len() + buf.len()) as u64 > MAX_COMPONENT_BYTES {
            return Poll::Ready(Err(std::io::Error::other(format!(
                "the layer is larger than the {MAX_COMPONENT_BYTES}-byte limit for a gate component"
            ))));
        }
        self.bytes.extend_from_slice(buf);
        Poll::Ready(Ok(buf.len()))
    }

    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

/// `regops policy push FILE oci://…`: checks that FILE is a gate this
/// regops loads (so nothing unusable is published), pushes it, and prints
/// what to pin.
pub fn push_file(file: &std::path::Path, reference: &str) -> anyhow::Result<i32> {
    let bytes = std::fs::read(file)
        .map_err(|e| anyhow::anyhow!("cannot read the component {}: {e}", file.display()))?;
    if !reference.starts_with("oci://") {
        anyhow::bail!(
            "`{reference}` is not an oci:// reference; write `oci://registry.example/repo/gate:1.0`"
        );
    }
    let target = OciRef::parse(reference).map_err(anyhow::Error::msg)?;
    let sha256 = crate::digest::sha256_hex(&bytes);
    let display = file.display().to_string();
    let sandbox = super::Sandbox::new(Default::default())?;
    let policy = sandbox
        .load_component(display.clone(), sha256.clone(), &bytes)
        .map_err(|e| anyhow::anyhow!("{e}; not pushed"))?;
    let pushed = push(&bytes, &policy.facts, &target).map_err(anyhow::Error::msg)?;
    println!(
        "pushed {display} ({} {}, {} bytes, sha256 {sha256}) to {}\nmanifest {}\n\
         pin it by digest:  policy = \"{}\"\n\
         or by tag:         policy = \"{}\", then `regops policy lock`",
        policy.info.name,
        policy.info.version,
        bytes.len(),
        target.text,
        pushed.manifest,
        pushed.by_digest,
        target.text,
    );
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_need_a_registry_and_a_tag_or_sha256_digest() {
        let tag = OciRef::parse("oci://127.0.0.1:5000/regops/ci:1.0").unwrap();
        assert!(tag.is_tag());
        assert_eq!(tag.registry(), "127.0.0.1:5000");
        let digest = format!("sha256:{}", "ab".repeat(32));
        let pinned = OciRef::parse(&format!("oci://ghcr.io/acme/gate@{digest}")).unwrap();
        assert!(!pinned.is_tag());
        assert_eq!(
            tag.by_digest(&digest),
            format!("oci://127.0.0.1:5000/regops/ci@{digest}")
        );
        for (bad, says) in [
            ("oci://gate:1.0", "names no registry"),
            ("oci://acme/gate:1.0", "is not a registry host"),
            ("oci://ghcr.io/acme/gate", "names no tag or digest"),
            ("oci://ghcr.io/acme/gate@sha256:abc", "not an OCI reference"),
        ] {
            let error = OciRef::parse(bad).unwrap_err();
            assert!(error.contains(says), "{bad}: {error}");
        }
    }

    #[test]
    fn docker_config_auth_is_read_by_host_with_or_without_scheme() {
        // base64("ci-bot:s3cret")
        let config = r#"{"auths": {"https://registry.acme.example/v1/": {"auth": "Y2ktYm90OnMzY3JldA=="},
                                   "127.0.0.1:5000": {"username": "u", "password": "p"}}}"#;
        match credentials_from(config, "registry.acme.example").unwrap() {
            RegistryAuth::Basic(user, password) => {
                assert_eq!((user.as_str(), password.as_str()), ("ci-bot", "s3cret"))
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            credentials_from(config, "127.0.0.1:5000").unwrap(),
            RegistryAuth::Basic(..)
        ));
        assert!(matches!(
            credentials_from(config, "ghcr.io").unwrap(),
            RegistryAuth::Anonymous
        ));
        let broken = r#"{"auths": {"ghcr.io": {"auth": "not base64!"}}}"#;
        assert!(
            credentials_from(broken, "ghcr.io")
                .unwrap_err()
                .contains("auths.ghcr.io.auth")
        );
    }
}
