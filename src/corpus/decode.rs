//! Bytes to text: byte-order marks, UTF-8, UTF-16, and the legacy
//! single-byte encodings of old archives, detected with chardetng and decoded
//! with encoding_rs. Binary files are recognised and refused.

use super::Reason;
use encoding_rs::{Encoding, UTF_8};

/// Decoded text and the name of the encoding it came from.
#[derive(Debug, PartialEq, Eq)]
pub struct Decoded {
    pub text: String,
    pub encoding: &'static str,
}

pub fn decode(bytes: &[u8]) -> Result<Decoded, Reason> {
    if bytes.is_empty() {
        return Err(Reason::Empty);
    }
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        let (text, _) = enc.decode_without_bom_handling(&bytes[bom_len..]);
        return finish(text.into_owned(), enc);
    }
    if looks_binary(bytes) {
        return Err(Reason::Binary);
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        return finish(s.to_owned(), UTF_8);
    }
    let mut det = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    det.feed(bytes, true);
    let enc = det.guess(None, chardetng::Utf8Detection::Allow);
    let (text, _, _) = enc.decode(bytes);
    finish(text.into_owned(), enc)
}

fn finish(mut text: String, enc: &'static Encoding) -> Result<Decoded, Reason> {
    if text.contains('\0') {
        text.retain(|c| c != '\0');
    }
    if text.trim().is_empty() {
        return Err(Reason::Empty);
    }
    Ok(Decoded {
        text,
        encoding: enc.name(),
    })
}

/// Magic numbers of common binary formats, or many NUL bytes near the start.
fn looks_binary(bytes: &[u8]) -> bool {
    const MAGIC: &[&[u8]] = &[
        b"\x89PNG",
        b"\xff\xd8\xff",
        b"GIF8",
        b"%PDF",
        b"PK\x03\x04",
        b"\x1f\x8b",
        b"BZh",
        b"\xfd7zXZ",
        b"7z\xbc\xaf",
        b"\x7fELF",
        b"RIFF",
        b"II*\0",
        b"MM\0*",
        b"Rar!",
    ];
    if MAGIC.iter().any(|m| bytes.starts_with(m)) {
        return true;
    }
    let head = &bytes[..bytes.len().min(8192)];
    let nuls = head.iter().filter(|&&b| b == 0).count();
    nuls * 10 > head.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_latin1_pound_sign() {
        let d = decode(b"Price \xa31,400\n").unwrap();
        assert_eq!(d.text, "Price \u{a3}1,400\n");
        assert_eq!(d.encoding, "windows-1252");
    }

    #[test]
    fn decodes_utf16_with_bom() {
        let mut le = vec![0xff, 0xfe];
        for u in "Tokyo talks".encode_utf16() {
            le.extend_from_slice(&u.to_le_bytes());
        }
        assert_eq!(decode(&le).unwrap().text, "Tokyo talks");
        let mut be = vec![0xfe, 0xff];
        for u in "Tokyo talks".encode_utf16() {
            be.extend_from_slice(&u.to_be_bytes());
        }
        let d = decode(&be).unwrap();
        assert_eq!((d.text.as_str(), d.encoding), ("Tokyo talks", "UTF-16BE"));
    }

    #[test]
    fn refuses_binary_and_empty() {
        assert_eq!(decode(b"\x89PNG\r\n\x1a\n\0\0"), Err(Reason::Binary));
        assert_eq!(decode(b""), Err(Reason::Empty));
        assert_eq!(decode(b"  \n\n"), Err(Reason::Empty));
    }

    #[test]
    fn strips_stray_nul_bytes() {
        assert_eq!(
            decode(b"Head\0line\n\nBody").unwrap().text,
            "Headline\n\nBody"
        );
    }
}
