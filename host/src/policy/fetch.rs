//! `https://` policy references: the component is downloaded into memory at
//! every run and verified against its pin before anything compiles it.
//! Nothing is cached: a cache on disk would be one more place where bytes
//! could be swapped between the check and the compile.

use std::time::Duration;

/// Largest gate component fetched (the built-in gates are ~150 KB).
pub const MAX_COMPONENT_BYTES: u64 = 64 << 20;

/// True for `127.x.x.x`, `localhost` and `[::1]`, with or without a port:
/// the only hosts regops talks plain http to (a local or test server).
pub fn is_loopback_host(host: &str) -> bool {
    let name = if let Some(v6) = host.strip_prefix('[') {
        v6.split(']').next().unwrap_or(v6)
    } else {
        host.rsplit_once(':').map_or(host, |(name, _)| name)
    };
    name == "localhost"
        || name
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// True when `url` is `https://…`, or `http://` to a loopback host.
pub fn is_allowed_url(url: &str) -> bool {
    if url.starts_with("https://") {
        return true;
    }
    url.strip_prefix("http://").is_some_and(|rest| {
        let authority = rest.split(['/', '?', '#']).next().unwrap_or(rest);
        is_loopback_host(authority)
    })
}

/// GETs a component. The error names the URL and what to do.
pub fn https(url: &str) -> Result<Vec<u8>, String> {
    if !is_allowed_url(url) {
        return Err(format!(
            "`{url}` is plain http; policies are fetched over https:// (plain http only from loopback)"
        ));
    }
    let agent = ureq::Agent::config_builder()
        .timeout_connect(Some(Duration::from_secs(10)))
        .timeout_global(Some(Duration::from_secs(60)))
        .tls_config(
            ureq::tls::TlsConfig::builder()
                .root_certs(ureq::tls::RootCerts::PlatformVerifier)
                .build(),
        )
        .build()
        .new_agent();
    let mut response = agent.get(url).call().map_err(|e| match e {
        ureq::Error::StatusCode(code @ (401 | 403)) => format!(
            "cannot fetch policy {url}: the server refused access ({code}); regops sends no \
             credentials to https:// policy URLs, so publish the component where CI can read it, \
             or use an oci:// reference (registry credentials come from the Docker config)"
        ),
        ureq::Error::StatusCode(404) => {
            format!("cannot fetch policy {url}: not found (404); check the URL in regops.toml")
        }
        ureq::Error::StatusCode(code) => {
            format!("cannot fetch policy {url}: the server answered {code}")
        }
        e => format!(
            "cannot fetch policy {url}: {e}; check the address and that this machine can reach it"
        ),
    })?;
    response
        .body_mut()
        .with_config()
        .limit(MAX_COMPONENT_BYTES)
        .read_to_vec()
        .map_err(|e| format!("cannot read policy {url}: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_http_is_allowed_to_loopback_only() {
        for ok in [
            "https://policies.acme.example/g.wasm",
            "http://127.0.0.1:8080/g.wasm",
            "http://localhost/g.wasm",
            "http://[::1]:9000/g.wasm",
            "http://127.3.2.1/g.wasm",
        ] {
            assert!(is_allowed_url(ok), "{ok}");
        }
        for refused in [
            "http://policies.acme.example/g.wasm",
            "http://127.0.0.1.evil.example/g.wasm",
            "http://localhost.evil.example/g.wasm",
            "http://10.0.0.1/g.wasm",
        ] {
            assert!(!is_allowed_url(refused), "{refused}");
        }
        assert!(is_loopback_host("127.0.0.1:5000"));
        assert!(!is_loopback_host("registry.acme.example:5000"));
    }
}
