//! The one way regops GETs a file over HTTP: policies by `https://`
//! reference and base configurations named in `extends`. https only, plain
//! http to loopback alone (a local or test server), no credentials sent,
//! bounded time and size. OCI registries have their own client
//! (`policy::oci`).

use std::time::Duration;

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

/// Why a GET gave no body.
#[derive(Debug)]
pub enum Failure {
    /// Plain http to a host that is not loopback: never sent.
    PlainHttp,
    /// The server answered with this status.
    Status(u16),
    /// No answer: the address, the network or TLS; the transport's words.
    Unreachable(String),
    /// The body could not be read, or is larger than allowed.
    Body(String),
}

/// GETs `url`, at most `limit` bytes of body.
pub fn get(url: &str, limit: u64) -> Result<Vec<u8>, Failure> {
    if !is_allowed_url(url) {
        return Err(Failure::PlainHttp);
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
        ureq::Error::StatusCode(code) => Failure::Status(code),
        e => Failure::Unreachable(e.to_string()),
    })?;
    response
        .body_mut()
        .with_config()
        .limit(limit)
        .read_to_vec()
        .map_err(|e| Failure::Body(e.to_string()))
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
