//! Which network addresses a fetch may connect to.
//!
//! A hub fetches addresses it learned from other people's documents: the
//! feed a remote `branch.json` names, and wherever a server redirects. Left
//! unchecked, a hostile branch could make the hub fetch (and publish) pages
//! from the hub's own machine or network (`http://127.0.0.1:8080/admin`,
//! a router at `192.168.1.1`, cloud metadata at `169.254.169.254`).
//!
//! The rule: only addresses the hub's editor wrote in `config.toml` may be
//! private or loopback. Every request made for a source carries that
//! configured URL as its *trusted host*; a request to the same host name or
//! IP (any port: a branch serving its feed on another port of the same
//! machine is common in development) may connect anywhere; any other host is
//! resolved, and only its public addresses are used. The check runs inside
//! the HTTP client's resolver, on the addresses the client then connects to,
//! so a name cannot resolve to a public address for the check and a private
//! one for the connection.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use ureq::config::Config;
use ureq::http::Uri;
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::NextTimeout;

/// The HTTP client's resolver: resolves as usual, then keeps only public
/// addresses unless the host is the trusted (configured) one.
#[derive(Debug, Default)]
pub struct GuardedResolver {
    /// The host of the URL written in `config.toml` (lowercase, IPv6 in brackets).
    trusted_host: Option<String>,
    inner: DefaultResolver,
}

impl GuardedResolver {
    /// A resolver that lets `trusted_host` (from the configured URL) reach any address.
    pub fn new(trusted_host: Option<&str>) -> GuardedResolver {
        let trusted_host = trusted_host.map(|h| bare_host(h).to_ascii_lowercase());
        GuardedResolver { trusted_host, inner: DefaultResolver::default() }
    }

    fn trusts(&self, host: &str) -> bool {
        self.trusted_host.as_deref().is_some_and(|t| t.eq_ignore_ascii_case(bare_host(host)))
    }
}

impl Resolver for GuardedResolver {
    fn resolve(&self, uri: &Uri, config: &Config, timeout: NextTimeout) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let host = uri.host().unwrap_or_default();
        let resolved = self.inner.resolve(uri, config, timeout)?;
        if self.trusts(host) {
            return Ok(resolved);
        }
        let mut public = self.empty();
        for addr in resolved.iter().filter(|a| is_public(a.ip())) {
            public.push(*addr);
        }
        if public.is_empty() {
            let refused = PrivateAddress { host: host.to_owned(), ip: resolved.first().map(|a| a.ip()) };
            return Err(ureq::Error::Io(std::io::Error::new(std::io::ErrorKind::PermissionDenied, refused)));
        }
        Ok(public)
    }
}

/// A host without the brackets of an IPv6 literal and a trailing root dot,
/// so `[::1]`, `::1`, `Example.org.` and `example.org` compare as written.
fn bare_host(host: &str) -> &str {
    host.trim_start_matches('[').trim_end_matches(']').trim_end_matches('.')
}

/// A host learned from a remote document or redirect that resolves only to non-public addresses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrivateAddress {
    /// The host as written in the URL.
    pub host: String,
    /// The first address it resolved to.
    pub ip: Option<IpAddr>,
}

impl fmt::Display for PrivateAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "refused {}", self.host)?;
        if let Some(ip) = self.ip.filter(|ip| ip.to_string() != self.host.trim_matches(['[', ']'])) {
            write!(f, " ({ip})")?;
        }
        f.write_str(": a private or local address, learned from another server; only addresses written in config.toml may be private")
    }
}

impl std::error::Error for PrivateAddress {}

/// True for an address anyone on the internet could reach: not loopback,
/// private, link-local, shared (CGNAT), unspecified, multicast, reserved or
/// documentation space, in IPv4 or IPv6 (including IPv6 forms that embed
/// an IPv4 address: mapped, compatible, NAT64 and 6to4).
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => is_public_v6(v6),
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    let special = ip.is_private()
        || ip.is_loopback()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || ip.is_multicast()
        || ip.is_documentation()
        || a == 0 // "this network"
        || (a == 100 && (64..128).contains(&b)) // shared address space (CGNAT), 100.64/10
        || (a == 192 && b == 0 && c == 0) // IETF protocol assignments, 192.0.0/24
        || (a == 198 && (18..20).contains(&b)) // benchmarking, 198.18/15
        || a >= 240; // reserved, 240/4
    !special
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    if let Some(v4) = embedded_v4(ip) {
        return is_public_v4(v4);
    }
    let first = ip.segments()[0];
    let special = ip.is_loopback()
        || ip.is_unspecified()
        || ip.is_multicast()
        || (first & 0xfe00) == 0xfc00 // unique local, fc00::/7
        || (first & 0xffc0) == 0xfe80 // link-local, fe80::/10
        || (first & 0xffc0) == 0xfec0 // old site-local, fec0::/10
        || (first == 0x2001 && ip.segments()[1] == 0x0db8) // documentation, 2001:db8::/32
        || ip.segments()[..6] == [0; 6]; // IPv4-compatible ::/96 (deprecated), never public
    !special
}

/// The IPv4 address inside an IPv6 one that routes to it: mapped
/// (`::ffff:a.b.c.d`), NAT64 (`64:ff9b::a.b.c.d`) or 6to4 (`2002:a.b.c.d::`).
fn embedded_v4(ip: Ipv6Addr) -> Option<Ipv4Addr> {
    let s = ip.segments();
    let from = |hi: u16, lo: u16| Ipv4Addr::new((hi >> 8) as u8, hi as u8, (lo >> 8) as u8, lo as u8);
    if let Some(v4) = ip.to_ipv4_mapped() {
        return Some(v4);
    }
    if s[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
        return Some(from(s[6], s[7]));
    }
    (s[0] == 0x2002).then(|| from(s[1], s[2]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn public(s: &str) -> bool {
        is_public(s.parse().unwrap())
    }

    #[test]
    fn private_loopback_and_special_addresses_are_not_public() {
        for ip in [
            "127.0.0.1",
            "127.0.0.2",
            "10.1.2.3",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "100.127.255.255",
            "0.0.0.0",
            "0.1.2.3",
            "255.255.255.255",
            "224.0.0.1",
            "240.0.0.1",
            "198.18.0.1",
            "192.0.0.8",
            "::1",
            "::",
            "fe80::1",
            "fc00::1",
            "fd12:3456::1",
            "fec0::1",
            "ff02::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "::127.0.0.1",
            "64:ff9b::a9fe:a9fe",
            "2002:c0a8:0101::1",
            "2001:db8::1",
        ] {
            assert!(!public(ip), "{ip} must not be public");
        }
    }

    #[test]
    fn only_the_configured_host_is_trusted_whatever_its_spelling() {
        let resolver = GuardedResolver::new(Some("[::1]"));
        assert!(resolver.trusts("::1") && resolver.trusts("[::1]"));
        let resolver = GuardedResolver::new(Some("branch.example.org"));
        assert!(resolver.trusts("Branch.Example.org.") && !resolver.trusts("other.example.org"));
        assert!(!GuardedResolver::new(Some("127.0.0.1")).trusts("localhost"));
        assert!(!GuardedResolver::new(None).trusts("127.0.0.1"));
    }

    #[test]
    fn ordinary_internet_addresses_are_public() {
        for ip in ["93.184.216.34", "1.1.1.1", "172.32.0.1", "100.128.0.1", "2606:4700::1111", "::ffff:8.8.8.8"] {
            assert!(public(ip), "{ip} must be public");
        }
    }
}
