//! `https://` policy references: the component is downloaded into memory at
//! every run and verified against its pin before anything compiles it.
//! Nothing is cached: a cache on disk would be one more place where bytes
//! could be swapped between the check and the compile.

use crate::http::{self, Failure};

/// Largest gate component fetched (the built-in gates are ~150 KB).
pub const MAX_COMPONENT_BYTES: u64 = 64 << 20;

/// GETs a component. The error names the URL and what to do.
pub fn https(url: &str) -> Result<Vec<u8>, String> {
    http::get(url, MAX_COMPONENT_BYTES).map_err(|failure| match failure {
        Failure::PlainHttp => format!(
            "`{url}` is plain http; policies are fetched over https:// (plain http only from loopback)"
        ),
        Failure::Status(code @ (401 | 403)) => format!(
            "cannot fetch policy {url}: the server refused access ({code}); regops sends no \
             credentials to https:// policy URLs, so publish the component where CI can read it, \
             or use an oci:// reference (registry credentials come from the Docker config)"
        ),
        Failure::Status(404) => {
            format!("cannot fetch policy {url}: not found (404); check the URL in regops.toml")
        }
        Failure::Status(code) => format!("cannot fetch policy {url}: the server answered {code}"),
        Failure::Unreachable(e) => format!(
            "cannot fetch policy {url}: {e}; check the address and that this machine can reach it"
        ),
        Failure::Body(e) => format!("cannot read policy {url}: {e}"),
    })
}
