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
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let id = SEED.with(|seed| splitmix(seed.get() ^ n));
    format!("{id:016x}")
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
}
