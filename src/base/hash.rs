//! Stable content hashes, for naming files by what they hold.

/// FNV-1a, 64 bits: stable across runs, platforms and versions, so the
/// same bytes always get the same name (cache files, cache-busting query
/// strings). Not a security hash: nothing here resists a chosen collision.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, &b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv_is_stable() {
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
    }
}
