//! Counter-based pseudo-random draws: every value is a pure function of
//! (seed, stream, index), so no record ever needs to be stored.

/// A stream of the generator a draw belongs to; keeps entities independent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stream {
    User = 1,
    Company = 2,
    Contact = 3,
    Lead = 4,
    Task = 5,
    Note = 6,
    Event = 7,
    Deleted = 8,
    File = 9,
    Chaos = 10,
    Secret = 11,
}

/// One step of SplitMix64, a well-known 64-bit mixing function.
pub(crate) fn mix(value: u64) -> u64 {
    let mut z = value.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A small deterministic random source for one record.
#[derive(Debug, Clone)]
pub(crate) struct Draw {
    state: u64,
}

impl Draw {
    /// The draws of record `index` of `stream` under `seed`.
    pub(crate) fn new(seed: u64, stream: Stream, index: u64) -> Draw {
        let state =
            mix(seed ^ mix((stream as u64).wrapping_mul(0xA24B_AED4_963E_E407) ^ mix(index)));
        Draw { state }
    }

    /// The next 64 random bits.
    pub(crate) fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix(self.state)
    }

    /// A number in `0..n` (0 when `n` is 0).
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            return 0;
        }
        self.next_u64() % n
    }

    /// True with a probability of `per_mille` / 1000.
    pub(crate) fn chance(&mut self, per_mille: u64) -> bool {
        self.below(1000) < per_mille
    }

    /// One element of a non-empty slice.
    pub(crate) fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        let at = self.below(items.len() as u64) as usize;
        &items[at]
    }

    /// A number in `low..=high`.
    pub(crate) fn between(&mut self, low: i64, high: i64) -> i64 {
        let width = (high - low + 1).max(1) as u64;
        low + self.below(width) as i64
    }
}
