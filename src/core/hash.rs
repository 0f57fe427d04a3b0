//! A fast hasher for the analysis' own maps. Keys are policy strings and
//! state ids from the user's files, never chosen to collide in a way that
//! matters, and no map's iteration order reaches the output; SipHash (and
//! byte-at-a-time FNV before this) showed up in profiles.

use std::hash::{BuildHasherDefault, Hasher};

/// A word at a time, each folded in with a full 64×64→128-bit multiply
/// (foldhash's mixing step): a difference in any bit reaches every bit,
/// which FxHash's multiply-rotate does not guarantee for high bits.
#[derive(Default, Clone, Copy)]
pub struct FastHasher(u64);

/// An odd constant with well-spread bits (from FxHash).
const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl FastHasher {
    fn add(&mut self, word: u64) {
        let product = u128::from(self.0 ^ word) * u128::from(SEED);
        self.0 = (product as u64) ^ ((product >> 64) as u64);
    }
}

impl Hasher for FastHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            self.add(u64::from_le_bytes(chunk.try_into().expect("8 bytes")));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0u8; 8];
            word[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(word));
        }
        // Zero padding makes `a` and `a\0` one word: the length tells them apart.
        self.add(bytes.len() as u64);
    }

    fn write_u8(&mut self, n: u8) {
        self.add(u64::from(n));
    }

    fn write_u32(&mut self, n: u32) {
        self.add(u64::from(n));
    }

    fn write_u64(&mut self, n: u64) {
        self.add(n);
    }

    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }
}

pub type FastBuild = BuildHasherDefault<FastHasher>;
pub type FastMap<K, V> = std::collections::HashMap<K, V, FastBuild>;
pub type FastSet<K> = std::collections::HashSet<K, FastBuild>;

#[cfg(test)]
mod tests {
    use super::*;
    use std::hash::BuildHasher;

    #[test]
    fn lengths_and_contents_both_count() {
        let h = |s: &str| FastBuild::default().hash_one(s);
        assert_ne!(h("a"), h("a\0"));
        assert_ne!(h("arn:aws:s3:::b1"), h("arn:aws:s3:::b2"));
        assert_ne!(h(""), h("\0"));
        for prefix in [
            "arn:aws:lambda:us-east-1:1:function:F",
            "arn:aws:s3:::bucket/",
            "Q",
            "",
        ] {
            let distinct: FastSet<u64> = (0..100_000).map(|i| h(&format!("{prefix}{i}"))).collect();
            assert_eq!(distinct.len(), 100_000, "{prefix}");
        }
        let ids: FastSet<u64> = (0..100_000u32)
            .map(|i| FastBuild::default().hash_one(i))
            .collect();
        assert_eq!(ids.len(), 100_000);
    }
}
