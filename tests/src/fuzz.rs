//! What the fuzz tests share: a small seeded PRNG and the case budget.
//!
//! The PRNG is SplitMix64 (Steele, Lea and Flood, 2014): a dozen lines, good enough to spread
//! test inputs, and no dependency to compile. Every test starts from a fixed seed, so a failure
//! reproduces; a failing case prints its seed and index.
//!
//! `cargo test` runs a bounded number of cases. The long mode is an environment variable:
//! `FUZZ_CASES=N` multiplies every fuzz test's case count by `N` (try `FUZZ_CASES=10000` and
//! leave it for hours), and `FUZZ_SEED=S` starts from another seed, so long runs explore new
//! inputs.

/// A SplitMix64 generator.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    /// A generator from `seed`, mixed with `FUZZ_SEED` when that is set.
    pub fn new(seed: u64) -> Self {
        Rng(seed ^ env_u64("FUZZ_SEED").unwrap_or(0))
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number below `n` (which must not be 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// True one time in `n`.
    pub fn one_in(&mut self, n: usize) -> bool {
        self.below(n) == 0
    }

    /// One of `items`.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// One of `items`, for text: [`Rng::pick`] without the reference to a reference.
    pub fn pick_str(&mut self, items: &[&'static str]) -> &'static str {
        items[self.below(items.len())]
    }
}

/// How many cases a fuzz test runs: `base`, times `FUZZ_CASES` when set.
pub fn cases(base: usize) -> usize {
    base.saturating_mul(env_u64("FUZZ_CASES").map_or(1, |n| n.max(1) as usize))
}

fn env_u64(name: &str) -> Option<u64> {
    let value = std::env::var(name).ok()?;
    match value.parse() {
        Ok(n) => Some(n),
        Err(_) => panic!("{name}={value:?} is not a number"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitmix64_matches_its_reference_values() {
        // The first outputs for seed 0 (reference implementation by Vigna).
        let mut rng = Rng(0);
        assert_eq!(rng.next_u64(), 0xe220_a839_7b1d_cdaf);
        assert_eq!(rng.next_u64(), 0x6e78_9e6a_a1b9_65f4);
    }
}
