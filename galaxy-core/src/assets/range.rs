//! The `Range` request header (RFC 9110 §14.2), for one byte range of a file.

/// What a `Range` header asks of a representation of `len` bytes.
///
/// Only single byte ranges are served partially: a header that is malformed, uses another
/// unit, or asks for several ranges is ignored, and the whole file is sent (which RFC 9110
/// allows a server to do for any range request).
///
/// # Example
///
/// ```
/// use galaxy_core::assets::ByteRange;
///
/// assert_eq!(ByteRange::parse("bytes=0-99", 1000), ByteRange::Partial { start: 0, end: 99 });
/// assert_eq!(ByteRange::parse("bytes=-100", 1000), ByteRange::Partial { start: 900, end: 999 });
/// assert_eq!(ByteRange::parse("bytes=500-", 1000), ByteRange::Partial { start: 500, end: 999 });
/// assert_eq!(ByteRange::parse("bytes=1000-", 1000), ByteRange::Unsatisfiable);
/// assert_eq!(ByteRange::parse("bytes=0-1,5-9", 1000), ByteRange::Full);
/// assert_eq!(ByteRange::parse("pages=1", 1000), ByteRange::Full);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ByteRange {
    /// Send the whole representation (`200`).
    Full,
    /// Send bytes `start..=end` (`206`); always `start <= end < len`.
    Partial {
        /// The first byte.
        start: u64,
        /// The last byte, included.
        end: u64,
    },
    /// No byte of the representation is in the range (`416`).
    Unsatisfiable,
}

impl ByteRange {
    /// Reads a `Range` header value against a representation of `len` bytes.
    pub fn parse(header: &str, len: u64) -> Self {
        let Some((unit, set)) = header.split_once('=') else {
            return Self::Full;
        };
        if !unit.trim().eq_ignore_ascii_case("bytes") {
            return Self::Full;
        }
        let mut specs = set.split(',').map(str::trim).filter(|s| !s.is_empty());
        let (Some(spec), None) = (specs.next(), specs.next()) else {
            return Self::Full;
        };
        let Some((first, last)) = spec.split_once('-') else {
            return Self::Full;
        };
        let (first, last) = (first.trim(), last.trim());
        match (digits(first), digits(last)) {
            // `-n`: the last n bytes.
            (None, Some(Some(suffix))) if first.is_empty() => {
                if suffix == 0 || len == 0 {
                    Self::Unsatisfiable
                } else {
                    Self::Partial {
                        start: len - suffix.min(len),
                        end: len - 1,
                    }
                }
            }
            // `a-`: from a to the end.
            (Some(Some(start)), None) if last.is_empty() => {
                if start >= len {
                    Self::Unsatisfiable
                } else {
                    Self::Partial {
                        start,
                        end: len - 1,
                    }
                }
            }
            // `a-b`, where b may be past the end (or too large to count).
            (Some(Some(start)), Some(end)) => {
                if end.is_some_and(|end| end < start) {
                    Self::Full
                } else if start >= len {
                    Self::Unsatisfiable
                } else {
                    Self::Partial {
                        start,
                        end: end.map_or(len - 1, |end| end.min(len - 1)),
                    }
                }
            }
            _ => Self::Full,
        }
    }
}

/// `None` when `text` is not all ASCII digits (or empty); `Some(None)` for a number too large
/// for a `u64`, which as a last position means "to the end".
fn digits(text: &str) -> Option<Option<u64>> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(text.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::ByteRange::{self, *};

    #[test]
    fn single_ranges() {
        assert_eq!(
            ByteRange::parse("bytes=0-0", 10),
            Partial { start: 0, end: 0 }
        );
        assert_eq!(
            ByteRange::parse("bytes=2-100", 10),
            Partial { start: 2, end: 9 }
        );
        assert_eq!(
            ByteRange::parse("Bytes = 2 - 3", 10),
            Partial { start: 2, end: 3 }
        );
        assert_eq!(
            ByteRange::parse("bytes=-20", 10),
            Partial { start: 0, end: 9 }
        );
        assert_eq!(
            ByteRange::parse("bytes=3-99999999999999999999999", 10),
            Partial { start: 3, end: 9 }
        );
    }

    #[test]
    fn unsatisfiable_ranges() {
        assert_eq!(ByteRange::parse("bytes=10-", 10), Unsatisfiable);
        assert_eq!(ByteRange::parse("bytes=10-20", 10), Unsatisfiable);
        assert_eq!(ByteRange::parse("bytes=-0", 10), Unsatisfiable);
        assert_eq!(ByteRange::parse("bytes=0-", 0), Unsatisfiable);
        assert_eq!(ByteRange::parse("bytes=-5", 0), Unsatisfiable);
    }

    #[test]
    fn ignored_headers() {
        for header in [
            "",
            "bytes",
            "bytes=",
            "bytes=-",
            "bytes=5-2",
            "bytes=a-b",
            "bytes=+1-2",
            "bytes=1-2,3-4",
            "items=0-1",
            "bytes=0x1-2",
            "bytes=--1",
            "bytes=1--2",
            "bytes=99999999999999999999999-",
        ] {
            assert_eq!(ByteRange::parse(header, 10), Full, "{header:?}");
        }
    }
}
