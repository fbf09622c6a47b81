//! Request ids for error reports: cheap to make, unique within a process, hard to guess.

use std::cell::Cell;
use std::sync::atomic::{AtomicU64, Ordering};

/// The header a request id travels in.
pub(crate) const HEADER: &str = "x-request-id";

static COUNTER: AtomicU64 = AtomicU64::new(0);

thread_local! {
    static SEED: Cell<u64> = Cell::new(seed());
}

fn seed() -> u64 {
    // Mixed from the clock and an address, so ids differ between processes and threads.
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64);
    let local = 0u8;
    splitmix(nanos ^ (std::ptr::addr_of!(local) as u64))
}

fn splitmix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// A new request id: 16 lowercase hex digits.
pub(crate) fn generate() -> String {
    let hex = generate_hex();
    String::from_utf8_lossy(&hex).into_owned()
}

/// A new id as its 16 lowercase hex digits, without the allocation and formatting machinery
/// of `format!` (this runs for every request behind `RequestIdLayer`).
pub(crate) fn generate_hex() -> [u8; 16] {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let id = SEED.with(|seed| splitmix(seed.get() ^ n));
    let mut hex = [0u8; 16];
    for (i, digit) in hex.iter_mut().enumerate() {
        *digit = DIGITS[((id >> (60 - 4 * i)) & 0xf) as usize];
    }
    hex
}

#[cfg(test)]
mod tests {
    #[test]
    fn ids_are_distinct_hex() {
        let a = super::generate();
        let b = super::generate();
        assert_ne!(a, b);
        assert_eq!(a.len(), 16);
        assert!(a.bytes().all(|b| b.is_ascii_hexdigit()));
    }

    #[test]
    fn hex_ids_are_the_ids_in_lowercase_hex() {
        // The same seed and counter give the value `format!("{:016x}")` prints.
        let before = super::COUNTER.load(std::sync::atomic::Ordering::Relaxed);
        let hex = super::generate_hex();
        let text = std::str::from_utf8(&hex).unwrap();
        assert!(
            text.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        );
        let value = u64::from_str_radix(text, 16).unwrap();
        assert_eq!(format!("{value:016x}"), text);
        assert!(super::COUNTER.load(std::sync::atomic::Ordering::Relaxed) > before);
    }
}
