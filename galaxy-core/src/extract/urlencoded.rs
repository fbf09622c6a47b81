//! Decoding of `application/x-www-form-urlencoded` text, shared by `Form` and `Query`.
//!
//! `serde_urlencoded` decodes percent-escapes that are not UTF-8 *lossily*, into `U+FFFD`: a
//! client's `name=%FF` would reach the handler as `"\u{FFFD}"`. These functions refuse such
//! input instead, so what a handler sees is exactly what was sent.

use std::fmt;

use serde::de::DeserializeOwned;

/// Why url-encoded input was refused.
#[derive(Debug)]
pub(crate) enum DecodeError {
    /// A name or value is not UTF-8 once its percent-escapes are decoded.
    NotUtf8,
    /// The pairs do not fit the target type.
    Shape(serde_urlencoded::de::Error),
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotUtf8 => f.write_str("it is not valid UTF-8 once percent-decoded"),
            Self::Shape(err) => err.fmt(f),
        }
    }
}

/// `true` when every name and value of `input` is UTF-8 once percent-decoded.
///
/// Decoding the whole input at once is enough: `&`, `=` and `+` are ASCII, and an ASCII byte
/// is never part of a multi-byte sequence, so the whole is UTF-8 exactly when every piece is.
pub(crate) fn is_utf8(input: &[u8]) -> bool {
    percent_encoding::percent_decode(input)
        .decode_utf8()
        .is_ok()
}

/// Decodes `input` into `T`, refusing input that is not UTF-8.
pub(crate) fn decode<T: DeserializeOwned>(input: &[u8]) -> Result<T, DecodeError> {
    if !is_utf8(input) {
        return Err(DecodeError::NotUtf8);
    }
    serde_urlencoded::from_bytes(input).map_err(DecodeError::Shape)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_escapes_that_are_not_utf8() {
        assert!(matches!(
            decode::<Vec<(String, String)>>(b"a=%FF"),
            Err(DecodeError::NotUtf8)
        ));
        assert!(matches!(
            decode::<Vec<(String, String)>>(b"%C3=x"),
            Err(DecodeError::NotUtf8)
        ));
        // A multi-byte sequence cut by a separator is not UTF-8 either.
        assert!(matches!(
            decode::<Vec<(String, String)>>(b"a=%C3&b=%A9"),
            Err(DecodeError::NotUtf8)
        ));
        assert!(matches!(
            decode::<Vec<(String, String)>>(b"a=\xff"),
            Err(DecodeError::NotUtf8)
        ));
    }

    #[test]
    fn decodes_utf8_escapes_and_plus() {
        let pairs: Vec<(String, String)> = decode(b"name=caf%C3%A9+au+lait&x=%26").unwrap();
        assert_eq!(
            pairs,
            [
                ("name".into(), "café au lait".into()),
                ("x".into(), "&".into())
            ]
        );
    }
}
