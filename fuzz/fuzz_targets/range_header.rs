//! Arbitrary `Range` headers through `ByteRange::parse`: never a panic, and a partial range is
//! always inside the file.
//!
//! Input: the first two bytes are the file length; the rest is the header value.

#![no_main]

use galaxy_core::assets::ByteRange;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((len, header)) = data.split_at_checked(2) else {
        return;
    };
    let len = u64::from(u16::from_le_bytes([len[0], len[1]]));
    let Ok(header) = std::str::from_utf8(header) else {
        return;
    };
    match ByteRange::parse(header, len) {
        ByteRange::Partial { start, end } => assert!(start <= end && end < len),
        ByteRange::Unsatisfiable => assert!(header.contains('=')),
        ByteRange::Full => {}
    }
});
