//! Random-looking tokens for sessions, authcodes and cookies. Made from the standard library's
//! randomly seeded hasher and a counter: unpredictable enough for a local stand-in, and not
//! meant for anything else.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;

static COUNTER: AtomicU64 = AtomicU64::new(0);

fn next_word() -> u64 {
    static SEED: OnceLock<RandomState> = OnceLock::new();
    let mut h = SEED.get_or_init(RandomState::new).build_hasher();
    h.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    h.finish()
}

/// `len` characters from `alphabet`.
pub(crate) fn token(len: usize, alphabet: &[u8]) -> String {
    let mut out = String::with_capacity(len);
    let mut word = next_word();
    let mut left = 10;
    while out.len() < len {
        if left == 0 {
            word = next_word();
            left = 10;
        }
        let i = (word % alphabet.len() as u64) as usize;
        word /= alphabet.len() as u64;
        left -= 1;
        out.push(char::from(alphabet[i]));
    }
    out
}

/// Letters and digits.
pub(crate) const ALPHANUMERIC: &[u8] =
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/// Lower-case letters and digits (ASP.NET session ids).
pub(crate) const LOWER_ALPHANUMERIC: &[u8] = b"abcdefghijklmnopqrstuvwxyz012345";

/// Hexadecimal digits.
pub(crate) const HEX: &[u8] = b"0123456789abcdef";
