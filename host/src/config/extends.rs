//! `extends`: a configuration built on an organisation's baseline.
//!
//! ```toml
//! extends = "../org/regops-base.toml"                        # a local file
//! extends = { url = "https://…/regops-base.toml", sha256 = "…" }  # pinned
//! extends = ["base.toml", { url = "…", sha256 = "…" }]       # several, in order
//! ```
//!
//! Bases are merged key by key under the file that extends them (later
//! bases over earlier ones); a base may extend others. A URL must carry the
//! SHA-256 of the file it names, checked before the file is parsed: an
//! organisation's baseline decides what passes a release, so it must not
//! change under a repository without a reviewed change to its pin.

use crate::http::Failure;
use std::path::PathBuf;

use super::{ConfigErrors, RawConfig, Source};

/// How deep `extends` may chain; deeper is almost certainly a mistake.
const MAX_DEPTH: usize = 8;

/// Largest base file fetched.
const MAX_BYTES: u64 = 1 << 20;

/// Where the file holding an `extends` lives, to resolve what it names.
#[derive(Debug, Clone)]
pub(super) enum Location {
    Dir(PathBuf),
    Url(String),
}

/// One base, as written.
enum Base {
    Path(String),
    Url { url: String, sha256: String },
}

/// `raw` with everything it extends merged beneath it. `chain` holds the
/// files being resolved (to refuse a cycle).
pub(super) fn resolve(
    source: &mut Source,
    mut raw: RawConfig,
    location: Location,
    chain: &mut Vec<String>,
) -> Result<RawConfig, ConfigErrors> {
    let Some(extends) = raw.extends.take() else {
        return Ok(raw);
    };
    let fail = |source: &Source, message: String| {
        ConfigErrors(vec![source.error_at(extends.span(), message)])
    };
    if chain.len() >= MAX_DEPTH {
        return Err(fail(
            source,
            format!("`extends` chains deeper than {MAX_DEPTH} files; flatten the baselines"),
        ));
    }
    let bases = parse(extends.get_ref()).map_err(|m| fail(source, m))?;
    let mut merged: Option<RawConfig> = None;
    for base in bases {
        let (display, text, sha256, next) = match (&base, &location) {
            (Base::Path(path), Location::Dir(dir)) => {
                // Shown as written when the config is in the working directory.
                let file = if dir.as_os_str() == "." {
                    PathBuf::from(path)
                } else {
                    dir.join(path)
                };
                let bytes = std::fs::read(&file).map_err(|e| {
                    fail(
                        source,
                        format!("cannot read the base configuration {}: {e}", file.display()),
                    )
                })?;
                let sha256 = crate::digest::sha256_hex(&bytes);
                let text = String::from_utf8(bytes)
                    .map_err(|_| fail(source, format!("{} is not UTF-8 text", file.display())))?;
                let dir = match file.parent() {
                    Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
                    _ => PathBuf::from("."),
                };
                (file.display().to_string(), text, sha256, Location::Dir(dir))
            }
            (Base::Path(path), Location::Url(url)) => {
                return Err(fail(
                    source,
                    format!(
                        "`{path}` is a local path in a configuration fetched from {url}; \
                         a fetched baseline may only extend pinned URLs"
                    ),
                ));
            }
            (Base::Url { url, sha256 }, _) => {
                let bytes = fetch(url).map_err(|m| fail(source, m))?;
                let actual = crate::digest::sha256_hex(&bytes);
                if !actual.eq_ignore_ascii_case(sha256) {
                    return Err(fail(
                        source,
                        format!(
                            "{url} does not match its pin: expected sha256 {sha256}, got {actual}; \
                             if the baseline changed on purpose, review the change and update `sha256`"
                        ),
                    ));
                }
                let text = String::from_utf8(bytes)
                    .map_err(|_| fail(source, format!("{url} is not UTF-8 text")))?;
                (url.clone(), text, actual, Location::Url(url.clone()))
            }
        };
        if chain.contains(&display) {
            return Err(fail(
                source,
                format!("`extends` forms a cycle: {} → {display}", chain.join(" → ")),
            ));
        }
        let index = source.add(display.clone(), text, sha256);
        let base_raw = source
            .parse_file::<RawConfig>(index)?
            .shifted(source.offset(index));
        chain.push(display);
        let base_raw = resolve(source, base_raw, next, chain)?;
        chain.pop();
        merged = Some(match merged {
            None => base_raw,
            Some(earlier) => earlier.overlaid(base_raw),
        });
    }
    Ok(match merged {
        Some(base) => base.overlaid(raw),
        None => raw,
    })
}

/// The bases an `extends` value names.
fn parse(value: &toml::Value) -> Result<Vec<Base>, String> {
    let one = |value: &toml::Value| -> Result<Base, String> {
        match value {
            toml::Value::String(s) if is_url(s) => Err(format!(
                "`{s}` must be pinned: write `extends = {{ url = \"{s}\", sha256 = \"<hex>\" }}` \
                 with the SHA-256 of the file (`sha256sum`)"
            )),
            toml::Value::String(s) => Ok(Base::Path(s.clone())),
            toml::Value::Table(t) => {
                if let Some(key) = t
                    .keys()
                    .find(|k| !matches!(k.as_str(), "path" | "url" | "sha256"))
                {
                    return Err(format!(
                        "unknown key `{key}` in `extends`; expected `path`, or `url` and `sha256`"
                    ));
                }
                let text = |key: &str| t.get(key).and_then(toml::Value::as_str);
                match (text("path"), text("url"), text("sha256")) {
                    (Some(path), None, None) => Ok(Base::Path(path.to_string())),
                    (None, Some(url), Some(sha256)) => {
                        if !is_url(url) {
                            return Err(format!("`{url}` is not an https:// URL"));
                        }
                        if sha256.len() != 64 || !sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
                            return Err(format!(
                                "`sha256 = \"{sha256}\"` is not a SHA-256: 64 hexadecimal digits"
                            ));
                        }
                        Ok(Base::Url {
                            url: url.to_string(),
                            sha256: sha256.to_ascii_lowercase(),
                        })
                    }
                    (None, Some(url), None) => Err(format!(
                        "`{url}` must be pinned: add `sha256 = \"<hex>\"`, the SHA-256 of the file"
                    )),
                    _ => Err(
                        "`extends` takes `{ path = \"...\" }` or `{ url = \"https://...\", sha256 = \"...\" }`"
                            .to_string(),
                    ),
                }
            }
            _ => Err(
                "`extends` is a path, `{ url = \"https://...\", sha256 = \"...\" }`, or a list of them"
                    .to_string(),
            ),
        }
    };
    match value {
        toml::Value::Array(items) => items.iter().map(one).collect(),
        other => Ok(vec![one(other)?]),
    }
}

fn is_url(s: &str) -> bool {
    s.starts_with("https://") || s.starts_with("http://")
}

/// GETs a base over HTTPS. Plain http is refused except to loopback (a
/// local test server): the pin protects the content, but a baseline's
/// address should not leak over the network in the clear either.
fn fetch(url: &str) -> Result<Vec<u8>, String> {
    crate::http::get(url, MAX_BYTES).map_err(|failure| match failure {
        Failure::PlainHttp => format!("`{url}` is plain http; use https://"),
        Failure::Status(code) => {
            format!("cannot fetch the base configuration {url}: the server answered {code}")
        }
        Failure::Unreachable(e) => format!("cannot fetch the base configuration {url}: {e}"),
        Failure::Body(e) => format!("cannot read the base configuration {url}: {e}"),
    })
}
