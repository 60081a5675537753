//! Which `Host` and `Origin` the preview answers to: the defence against DNS
//! rebinding and against other sites reading the reload events.
//!
//! A page on another site can point a name it controls at 127.0.0.1 and then
//! read the preview (drafts included) as if it were its own site; the browser
//! still sends that name in `Host`. So the preview answers only to names that
//! cannot be rebound: IP literals and `localhost`, with the port it listens
//! on. Which ones depends on the bound address:
//!
//! - a loopback address (the default): `localhost` and any loopback literal
//!   (`127.0.0.1`, `[::1]`, ...);
//! - one other address (`--bind 192.168.1.5`): that literal only;
//! - every address (`--bind 0.0.0.0` or `::`): `localhost` and any IP literal,
//!   since the computer's own addresses are not known in advance and a literal
//!   cannot be rebound. Names such as `laptop.local` are refused: use the IP.
//!
//! The reload WebSocket also carries the build's errors (with absolute paths),
//! and browsers let any page open a WebSocket anywhere, sending the page's own
//! site as `Origin`. That `Origin` must be `http://` plus the same host and
//! port as the request, i.e. a page the preview itself served.

use std::net::{IpAddr, SocketAddr};

use hyper::http::uri::Authority;

/// The host names the preview answers to, derived from the address it is
/// bound to.
#[derive(Debug, Clone)]
pub struct AllowedHosts {
    port: u16,
    names: Names,
}

#[derive(Debug, Clone)]
enum Names {
    /// Bound to a loopback address: `localhost` and loopback literals.
    Loopback,
    /// Bound to one address: that literal.
    Exactly(IpAddr),
    /// Bound to every address: `localhost` and any IP literal.
    AnyAddress,
}

/// A `Host` value taken apart: the lowercase name (brackets kept off IPv6
/// literals) and the port, 80 when absent.
#[derive(Debug, PartialEq, Eq)]
struct HostPort {
    name: String,
    port: u16,
}

impl AllowedHosts {
    /// The names a server bound to `address` answers to.
    pub fn new(address: SocketAddr) -> AllowedHosts {
        let ip = address.ip();
        let names = if ip.is_loopback() {
            Names::Loopback
        } else if ip.is_unspecified() {
            Names::AnyAddress
        } else {
            Names::Exactly(ip)
        };
        AllowedHosts { port: address.port(), names }
    }

    /// Whether a request naming `host` (the `Host` header, or the authority
    /// of an absolute request target) is for this preview.
    pub fn allows(&self, host: &str) -> bool {
        let Some(parsed) = host_port(host) else {
            return false;
        };
        if parsed.port != self.port {
            return false;
        }
        let ip = parsed.name.parse::<IpAddr>().ok();
        let localhost = parsed.name == "localhost";
        match self.names {
            Names::Loopback => localhost || ip.is_some_and(|ip| ip.is_loopback()),
            Names::Exactly(bound) => ip == Some(bound),
            Names::AnyAddress => localhost || ip.is_some(),
        }
    }

    /// Whether a WebSocket opened by a page from `origin`, on a request
    /// naming `host`, comes from a page this preview served.
    pub fn allows_origin(&self, origin: &str, host: &str) -> bool {
        let Some(authority) = origin.strip_prefix("http://") else {
            return false;
        };
        self.allows(host) && host_port(authority).is_some_and(|o| host_port(host) == Some(o))
    }
}

/// Splits `host[:port]`; none for anything that is not a plain authority
/// (user info, a path, an empty name).
fn host_port(value: &str) -> Option<HostPort> {
    let authority: Authority = value.parse().ok()?;
    if authority.as_str().contains('@') || authority.host().is_empty() {
        return None;
    }
    let name = authority.host().trim_start_matches('[').trim_end_matches(']').to_ascii_lowercase();
    Some(HostPort { name, port: authority.port_u16().unwrap_or(80) })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bound(address: &str) -> AllowedHosts {
        AllowedHosts::new(address.parse().unwrap())
    }

    #[test]
    fn loopback_answers_to_local_names_on_its_port_only() {
        let hosts = bound("127.0.0.1:1111");
        for ok in ["127.0.0.1:1111", "localhost:1111", "LocalHost:1111", "[::1]:1111", "127.0.0.2:1111"] {
            assert!(hosts.allows(ok), "{ok}");
        }
        for refused in [
            "evil.example:1111",
            "127.0.0.1.nip.io:1111",
            "localhost.:1111",
            "127.0.0.1:1112",
            "127.0.0.1",
            "192.168.1.5:1111",
            "user@127.0.0.1:1111",
            "",
            ":1111",
        ] {
            assert!(!hosts.allows(refused), "{refused}");
        }
        assert!(bound("127.0.0.1:80").allows("localhost"), "port 80 may be left out");
        assert!(bound("[::1]:1111").allows("localhost:1111"));
    }

    #[test]
    fn one_address_answers_to_that_literal_only() {
        let hosts = bound("192.168.1.5:1111");
        assert!(hosts.allows("192.168.1.5:1111"));
        for refused in ["localhost:1111", "127.0.0.1:1111", "192.168.1.6:1111", "laptop.local:1111"] {
            assert!(!hosts.allows(refused), "{refused}");
        }
    }

    #[test]
    fn every_address_answers_to_any_literal_and_localhost() {
        let hosts = bound("0.0.0.0:1111");
        for ok in ["192.168.1.5:1111", "10.0.0.7:1111", "[fe80::1]:1111", "localhost:1111", "127.0.0.1:1111"] {
            assert!(hosts.allows(ok), "{ok}");
        }
        for refused in ["laptop.local:1111", "evil.example:1111", "192.168.1.5:2222"] {
            assert!(!hosts.allows(refused), "{refused}");
        }
    }

    #[test]
    fn the_origin_must_be_the_page_the_preview_served() {
        let hosts = bound("127.0.0.1:1111");
        assert!(hosts.allows_origin("http://127.0.0.1:1111", "127.0.0.1:1111"));
        assert!(hosts.allows_origin("http://localhost:1111", "localhost:1111"));
        for (origin, host) in [
            ("http://evil.example", "127.0.0.1:1111"),
            ("http://evil.example:1111", "127.0.0.1:1111"),
            ("null", "127.0.0.1:1111"),
            ("https://127.0.0.1:1111", "127.0.0.1:1111"),
            ("http://127.0.0.1:2222", "127.0.0.1:1111"),
            ("http://localhost:1111", "127.0.0.1:1111"),
            ("http://evil.example:1111", "evil.example:1111"),
        ] {
            assert!(!hosts.allows_origin(origin, host), "{origin} on {host}");
        }
        // Bound to every address, another machine's page is not ours even
        // on the same port.
        let any = bound("0.0.0.0:1111");
        assert!(!any.allows_origin("http://10.9.9.9:1111", "192.168.1.5:1111"));
        assert!(any.allows_origin("http://192.168.1.5:1111", "192.168.1.5:1111"));
    }
}
