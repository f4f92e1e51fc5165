//! Bytes to text: byte-order marks, UTF-8, UTF-16, and the legacy
//! single-byte encodings of old archives, detected with chardetng and decoded
//! with encoding_rs. Binary files are recognised and refused. Owns no file
//! access: it is a pure function of the bytes.
//!
//! The order of evidence: a byte-order mark; UTF-16 without a mark (every
//! other byte NUL); the signs of a binary file; valid UTF-8; and last a guess.
//! chardetng's guess is tuned for the Web, where a lone `0xA3` is as likely to
//! be a Polish `Ł` as a pound sign. Old news archives are overwhelmingly
//! Western, so a guess of any other encoding is only kept when the
//! bytes clearly speak for it (see [`western_evidence`]); otherwise the text is
//! read as Windows-1252, the superset of Latin-1 that every Western archive of
//! the 1990s was written in.

use super::Reason;
use encoding_rs::{Encoding, GB18030, GBK, UTF_8, UTF_16BE, UTF_16LE, WINDOWS_1252};

/// Decoded text and the name of the encoding it came from.
#[derive(Debug, PartialEq, Eq)]
pub struct Decoded {
    pub text: String,
    /// The WHATWG name of the encoding (`UTF-8`, `windows-1252`, `UTF-16LE`…);
    /// Latin-1 files are named `windows-1252`, its superset.
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
    if let Some((enc, text)) = sniff_utf16(bytes) {
        return finish(text, enc);
    }
    if looks_binary(bytes) {
        return Err(Reason::Binary);
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        return finish(s.to_owned(), UTF_8);
    }
    let declared = declared_charset(bytes);
    if declared == Some(UTF_8) || is_mostly_utf8(bytes) {
        return finish(utf8_with_stray_bytes(bytes), UTF_8);
    }
    if let Some(enc) = declared
        && let Some(text) = enc.decode_without_bom_handling_and_without_replacement(bytes)
    {
        return finish(text.into_owned(), enc);
    }
    let enc = detect_legacy(bytes);
    let (text, _) = enc.decode_without_bom_handling(bytes);
    finish(text.into_owned(), enc)
}

/// The charset a page declares near its top (`<meta charset=…>`, the
/// `http-equiv` form's `charset=…`, or an XML declaration's `encoding=…`).
/// Only believed when the bytes agree (see [`decode`]).
fn declared_charset(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = bytes[..bytes.len().min(2048)].to_ascii_lowercase();
    let find = |key: &[u8]| {
        head.windows(key.len())
            .position(|w| w == key)
            .map(|i| i + key.len())
    };
    let at = find(b"charset=").or_else(|| {
        head.starts_with(b"<?xml")
            .then(|| find(b"encoding="))
            .flatten()
    })?;
    let value = &head[at..];
    let value = value
        .strip_prefix(b"\"")
        .or_else(|| value.strip_prefix(b"'"))
        .unwrap_or(value);
    let end = value
        .iter()
        .position(|b| !(b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b':' | b'.')))
        .unwrap_or(value.len());
    Encoding::for_label(&value[..end])
}

/// Whether bytes that are not valid UTF-8 are UTF-8 all the same, with a
/// few stray bytes (a Latin-1 `é` pasted into a UTF-8 file): at least as
/// many valid multi-byte characters as invalid bytes.
fn is_mostly_utf8(bytes: &[u8]) -> bool {
    let (mut multi, mut invalid) = (0usize, 0usize);
    for chunk in bytes.utf8_chunks() {
        multi += chunk.valid().chars().filter(|c| !c.is_ascii()).count();
        invalid += chunk.invalid().len();
    }
    multi > 0 && invalid <= multi
}

/// UTF-8 text with each byte that is not part of valid UTF-8 read alone as
/// Windows-1252, so the valid text around a stray byte is kept as written.
fn utf8_with_stray_bytes(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() + 16);
    for chunk in bytes.utf8_chunks() {
        out.push_str(chunk.valid());
        for &b in chunk.invalid() {
            let byte = [b];
            let (c, _) = WINDOWS_1252.decode_without_bom_handling(&byte);
            out.push_str(&c);
        }
    }
    out
}

/// The encoding of bytes that are neither UTF-8 nor marked: chardetng's
/// guess, overruled in favour of Windows-1252 when the bytes read as
/// plausible Western text (see [`WesternEvidence::is_plausible`]).
pub fn detect_legacy(bytes: &[u8]) -> &'static Encoding {
    let mut det = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    det.feed(bytes, true);
    let guess = det.guess(None, chardetng::Utf8Detection::Allow);
    if guess == WINDOWS_1252 {
        return guess;
    }
    // Multi-byte guesses need the same scrutiny: a lone `œq` in English text
    // is a valid Shift_JIS character, and chardetng takes it for one. Real
    // Chinese, Japanese or Korean text has runs of high bytes or dense ones.
    if western_evidence(bytes).is_plausible() {
        return WINDOWS_1252;
    }
    // chardetng says GBK for all simplified Chinese; encoding_rs decodes GBK
    // with the GB18030 decoder, so name the superset it really read.
    if guess == GBK { GB18030 } else { guess }
}

/// What the bytes above 0x7F look like when read as Windows-1252.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct WesternEvidence {
    /// Bytes above 0x7F.
    pub high: usize,
    /// Letters, ASCII or not.
    pub letters: usize,
    /// Bytes above 0x7F that are letters in Windows-1252 (é, ü, œ…).
    pub high_letters: usize,
    /// A byte Windows-1252 leaves undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D).
    pub undefined: bool,
    /// Three or more high bytes in a row: a word of another script (Cyrillic,
    /// Greek, Hebrew, Arabic, Thai), since Western words carry at most an
    /// accent or two between plain letters.
    pub foreign_run: bool,
    /// A Windows-1252 symbol between two letters (`Wa³êsa`, `pi÷`): a letter
    /// of another alphabet, since no Western word has `³` or `÷` inside it.
    pub symbol_in_word: bool,
}

impl WesternEvidence {
    /// Whether reading the bytes as Windows-1252 gives plausible Western text.
    /// Accented letters must also be sparse (at most one letter in twenty, or
    /// two in a short text): in denser text, chardetng's language model is
    /// the better judge between, say, Czech and French.
    pub fn is_plausible(&self) -> bool {
        !self.undefined
            && !self.foreign_run
            && !self.symbol_in_word
            && self.high_letters * 20 <= self.letters.max(40)
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    Letter,
    /// A symbol that cannot stand inside a Western word.
    Symbol,
    Other,
}

/// How Windows-1252 reads a byte, for [`western_evidence`].
fn class_1252(b: u8) -> Class {
    match b {
        b'a'..=b'z' | b'A'..=b'Z' => Class::Letter,
        0x83 | 0x8A | 0x8C | 0x8E | 0x9A | 0x9C | 0x9E | 0x9F | 0xAA | 0xB5 | 0xBA => Class::Letter,
        0xC0..=0xFF if b != 0xD7 && b != 0xF7 => Class::Letter,
        // Punctuation that does occur inside Western words: curly quotes and
        // apostrophes, dashes, the ellipsis, no-break space, soft hyphen,
        // acute accent used as an apostrophe, middle dot (Catalan `l·l`).
        0x85 | 0x91..=0x94 | 0x96 | 0x97 | 0xA0 | 0xAD | 0xB4 | 0xB7 => Class::Other,
        0x80..=0xFF => Class::Symbol,
        _ => Class::Other,
    }
}

pub fn western_evidence(bytes: &[u8]) -> WesternEvidence {
    let mut ev = WesternEvidence::default();
    let mut run = 0usize;
    for (i, &b) in bytes.iter().enumerate() {
        let class = class_1252(b);
        if class == Class::Letter {
            ev.letters += 1;
        }
        if b < 0x80 {
            run = 0;
            continue;
        }
        ev.high += 1;
        run += 1;
        if run >= 3 {
            ev.foreign_run = true;
        }
        match class {
            Class::Letter => ev.high_letters += 1,
            Class::Symbol => {
                let before = i.checked_sub(1).and_then(|j| bytes.get(j));
                let after = bytes.get(i + 1);
                if [before, after]
                    .iter()
                    .all(|n| n.is_some_and(|&n| class_1252(n) == Class::Letter))
                {
                    ev.symbol_in_word = true;
                }
            }
            Class::Other => {}
        }
        if matches!(b, 0x81 | 0x8D | 0x8F | 0x90 | 0x9D) {
            ev.undefined = true;
        }
    }
    ev
}

/// UTF-16 without a byte-order mark: mostly-Latin text has a NUL in every
/// other byte, on the odd side for little-endian and the even side for
/// big-endian. Only accepted when the whole file decodes without error.
fn sniff_utf16(bytes: &[u8]) -> Option<(&'static Encoding, String)> {
    if bytes.len() < 4 || !bytes.len().is_multiple_of(2) {
        return None;
    }
    let head = &bytes[..bytes.len().min(8192)];
    let pairs = head.len() / 2;
    let (mut even_nul, mut odd_nul) = (0usize, 0usize);
    for p in head.chunks_exact(2) {
        even_nul += usize::from(p[0] == 0);
        odd_nul += usize::from(p[1] == 0);
    }
    let enc = if odd_nul * 10 >= pairs * 9 && even_nul * 10 < pairs {
        UTF_16LE
    } else if even_nul * 10 >= pairs * 9 && odd_nul * 10 < pairs {
        UTF_16BE
    } else {
        return None;
    };
    let text = enc.decode_without_bom_handling_and_without_replacement(bytes)?;
    Some((enc, text.into_owned()))
}

fn finish(mut text: String, enc: &'static Encoding) -> Result<Decoded, Reason> {
    // A stray NUL (a sign of a careless export) must not reach the index or a
    // terminal; the text around it is still worth indexing.
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

/// Magic numbers of common binary formats, or many NUL and other control
/// bytes near the start (no text encoding uses them; every binary does).
fn looks_binary(bytes: &[u8]) -> bool {
    const MAGIC: &[&[u8]] = &[
        b"\x89PNG",
        b"\xff\xd8\xff",
        b"GIF8",
        b"%PDF",
        b"PK\x03\x04",
        b"PK\x05\x06",
        b"\x1f\x8b",
        b"BZh",
        b"\xfd7zXZ",
        b"7z\xbc\xaf",
        b"\x28\xb5\x2f\xfd",
        b"\x7fELF",
        b"RIFF",
        b"II*\0",
        b"MM\0*",
        b"Rar!",
        b"OggS",
        b"fLaC",
        b"\xd0\xcf\x11\xe0",
        b"SQLite format 3\0",
        b"wOFF",
        b"wOF2",
        b"\0asm",
        b"\xca\xfe\xba\xbe",
    ];
    if MAGIC.iter().any(|m| bytes.starts_with(m)) {
        return true;
    }
    // ISO base media (MP4, MOV, HEIC): a box size, then `ftyp`.
    if bytes.get(4..8) == Some(b"ftyp") {
        return true;
    }
    let head = &bytes[..bytes.len().min(8192)];
    // Counted in runs of at most 255 bytes into a byte-wide count, with
    // comparisons only: the compiler turns this into vector code, where a
    // `matches!` per byte was a branch per byte (3% of indexing Reuters).
    let odd: usize = head
        .chunks(255)
        .map(|run| usize::from(run.iter().fold(0u8, |n, &b| n + u8::from(odd_byte(b)))))
        .sum();
    odd * 10 > head.len()
}

/// A control byte that text does not have: NUL to backspace, shift-out to
/// unit separator except escape, and delete (`0 | 0x01..=0x08 | 0x0E..=0x1A
/// | 0x1C..=0x1F | 0x7F`). Tab, line breaks, form feed and escape (ANSI
/// colours) occur in text files.
#[inline]
fn odd_byte(b: u8) -> bool {
    (b <= 0x08) | ((0x0E..=0x1F).contains(&b) & (b != 0x1B)) | (b == 0x7F)
}

#[cfg(test)]
mod tests {
    use super::*;
    use encoding_rs::*;

    #[test]
    fn odd_bytes_are_the_control_bytes_text_does_not_have() {
        for b in 0..=255u8 {
            let want = matches!(b, 0 | 0x01..=0x08 | 0x0E..=0x1A | 0x1C..=0x1F | 0x7F);
            assert_eq!(odd_byte(b), want, "byte {b:#04x}");
        }
    }

    /// Text in a known encoding, as an old archive would hold it, and what
    /// must come out.
    struct Case {
        name: &'static str,
        source: &'static Encoding,
        text: &'static str,
        /// Encodings accepted as the answer (KOI8-R and KOI8-U agree on
        /// every letter, so either is right for Russian).
        want: &'static [&'static str],
    }

    const LEGACY: &[Case] = &[
        Case {
            name: "Latin-1 pound sign (the BBC case)",
            source: WINDOWS_1252,
            text: "Price £1,400\n",
            want: &["windows-1252"],
        },
        Case {
            name: "two pound signs in a longer story",
            source: WINDOWS_1252,
            text: "Arsenal agreed a fee of £12m for the striker on Tuesday.\n\nThe club said the deal would be done by Friday, with wages of £80,000 a week.\n",
            want: &["windows-1252"],
        },
        Case {
            name: "price list: symbols are not letters",
            source: WINDOWS_1252,
            text: "£5 £6 £7 £8 £9 ¥10 ½\n",
            want: &["windows-1252"],
        },
        Case {
            name: "a lone œ before an ASCII letter (valid Shift_JIS; found by proptest)",
            source: WINDOWS_1252,
            text: "aa aa aa aa aa aa œq aa aa aa aa aa aa aa aa aa aa aa aa aa aa aa aa aa\n",
            want: &["windows-1252"],
        },
        Case {
            name: "Latin-1 é",
            source: WINDOWS_1252,
            text: "The café in the town centre reopened on Monday.\n",
            want: &["windows-1252"],
        },
        Case {
            name: "Latin-1 ü",
            source: WINDOWS_1252,
            text: "Herr Müller met the minister in Zürich.\n",
            want: &["windows-1252"],
        },
        Case {
            name: "Windows-1252 curly quotes and en dash",
            source: WINDOWS_1252,
            text: "He said \u{201c}we will win\u{201d} \u{2013} and they did.\n",
            want: &["windows-1252"],
        },
        Case {
            name: "French",
            source: WINDOWS_1252,
            text: "Le ministre a déclaré que la réforme serait adoptée après l'été, malgré l'opposition des syndicats.\n",
            want: &["windows-1252"],
        },
        Case {
            name: "German with ß",
            source: WINDOWS_1252,
            text: "Die Regierung hat beschlossen, die Steuern für kleine Unternehmen zu senken. Die Opposition übte scharfe Kritik an der Maßnahme.\n",
            want: &["windows-1252"],
        },
        Case {
            name: "Windows-1251 Russian",
            source: WINDOWS_1251,
            text: "Правительство объявило о новых мерах поддержки экономики.\n",
            want: &["windows-1251"],
        },
        Case {
            name: "a Russian word in an English story",
            source: WINDOWS_1251,
            text: "The newspaper Известия reported the talks on Monday.\n",
            want: &["windows-1251"],
        },
        Case {
            name: "KOI8-R Russian",
            source: KOI8_R,
            text: "Правительство объявило о новых мерах поддержки экономики.\n",
            want: &["KOI8-R", "KOI8-U"],
        },
        Case {
            name: "Windows-1253 Greek",
            source: WINDOWS_1253,
            text: "Η κυβέρνηση ανακοίνωσε νέα μέτρα για την οικονομία.\n",
            want: &["windows-1253"],
        },
        Case {
            name: "Windows-1250 Polish",
            source: WINDOWS_1250,
            text: "Rząd ogłosił w poniedziałek nowe środki wsparcia dla przedsiębiorców, a minister finansów zapowiedział obniżkę podatków.\n",
            want: &["windows-1250"],
        },
        Case {
            name: "ISO-8859-2 Polish",
            source: ISO_8859_2,
            text: "Rząd ogłosił w poniedziałek nowe środki wsparcia dla przedsiębiorców, a minister finansów zapowiedział obniżkę podatków.\n",
            want: &["ISO-8859-2"],
        },
        Case {
            name: "Windows-1250 Czech (dense accents, no odd symbols)",
            source: WINDOWS_1250,
            text: "Vláda v pondělí schválila nová opatření na podporu podnikatelů a ministr financí oznámil snížení daní.\n",
            want: &["windows-1250"],
        },
        Case {
            name: "a Polish name in an English story (ł reads as ³ inside a word)",
            source: WINDOWS_1250,
            text: "Lech Wałęsa said on Tuesday that the union would strike.\n",
            want: &["windows-1250"],
        },
        Case {
            name: "Windows-1255 Hebrew",
            source: WINDOWS_1255,
            text: "הממשלה הודיעה על צעדים חדשים לכלכלה.\n",
            want: &["windows-1255"],
        },
        Case {
            name: "Shift_JIS Japanese",
            source: SHIFT_JIS,
            text: "東京で新しい経済対策が発表された。\n",
            want: &["Shift_JIS"],
        },
        Case {
            name: "GB18030 Chinese",
            source: GB18030,
            text: "政府宣布了新的经济刺激措施。\n",
            want: &["gb18030"],
        },
        Case {
            name: "EUC-KR Korean",
            source: EUC_KR,
            text: "정부는 새로운 경제 대책을 발표했다.\n",
            want: &["EUC-KR"],
        },
    ];

    #[test]
    fn legacy_encodings_table() {
        for c in LEGACY {
            let (bytes, _, unmappable) = c.source.encode(c.text);
            assert!(!unmappable, "{}: test text not encodable", c.name);
            let d = decode(&bytes).unwrap_or_else(|e| panic!("{}: {e}", c.name));
            assert!(
                c.want.contains(&d.encoding),
                "{}: decoded as {}, want {:?}",
                c.name,
                d.encoding,
                c.want
            );
            assert_eq!(d.text, c.text, "{}", c.name);
        }
    }

    #[test]
    fn decodes_latin1_pound_sign() {
        let d = decode(b"Price \xa31,400\n").unwrap();
        assert_eq!(d.text, "Price \u{a3}1,400\n");
        assert_eq!(d.encoding, "windows-1252");
    }

    #[test]
    fn western_evidence_table() {
        for (input, plausible) in [
            (&b"Price \xa31,400"[..], true),
            (b"caf\xe9 na\xefve", true),
            (b"don\x92t \x93quote\x94 \x96 dash", true),
            (b"Mr\xa0Smith", true),
            // Undefined in Windows-1252.
            (b"odd \x81 byte", false),
            // Three high bytes in a row: a word of another script.
            (b"the \xc8\xe7\xe2 paper", false),
            // A symbol inside a word.
            (b"Wa\xb3\xeasa", false),
            // Dense accents: let chardetng decide.
            (b"\xe9t\xe9 \xe0 \xe9cole", false),
        ] {
            assert_eq!(
                western_evidence(input).is_plausible(),
                plausible,
                "{}",
                String::from_utf8_lossy(input)
            );
        }
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
    fn decodes_utf16_without_bom() {
        let text = "Tokyo talks resume\n\nDelegates met on Monday.\n";
        let le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
        assert_eq!(
            decode(&le).unwrap(),
            Decoded {
                text: text.into(),
                encoding: "UTF-16LE"
            }
        );
        assert_eq!(decode(&be).unwrap().encoding, "UTF-16BE");
    }

    #[test]
    fn utf8_with_and_without_bom() {
        let d = decode("\u{feff}Caf\u{e9} talks".as_bytes()).unwrap();
        assert_eq!((d.text.as_str(), d.encoding), ("Caf\u{e9} talks", "UTF-8"));
        let d = decode("Caf\u{e9} talks".as_bytes()).unwrap();
        assert_eq!((d.text.as_str(), d.encoding), ("Caf\u{e9} talks", "UTF-8"));
    }

    #[test]
    fn refuses_binary_and_empty() {
        for bin in [
            &b"\x89PNG\r\n\x1a\n\0\0"[..],
            b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n",
            b"PK\x03\x04\x14\0\0\0",
            b"\x1f\x8b\x08\0\0\0\0\0",
            b"\0\0\0\x18ftypmp42",
            // No magic number, but control bytes no text has.
            b"\x01\x02\x03\x04hello\x05\x06\x07\x08",
        ] {
            assert_eq!(decode(bin), Err(Reason::Binary), "{bin:?}");
        }
        assert_eq!(decode(b""), Err(Reason::Empty));
        assert_eq!(decode(b"  \n\n"), Err(Reason::Empty));
        assert_eq!(decode(b"\0\0\0\0"), Err(Reason::Binary));
        assert_eq!(decode(b"\xef\xbb\xbf \n"), Err(Reason::Empty));
    }

    /// Issue 16: one stray byte in a UTF-8 page must not turn the page into
    /// mojibake (`cafÃ©`), nor into IBM866 or windows-1250.
    #[test]
    fn stray_bytes_in_utf8_are_decoded_alone() {
        let page = b"<html><head><meta charset=\"utf-8\"><title>Mixed caf\xc3\xa9 story</title></head><body>Cr\xe8me br\xfbl\xe9e</body></html>";
        let d = decode(page).unwrap();
        assert_eq!(d.encoding, "UTF-8");
        assert!(d.text.contains("Mixed caf\u{e9} story"), "{}", d.text);
        assert!(d.text.contains("Cr\u{e8}me br\u{fb}l\u{e9}e"), "{}", d.text);
        // No declaration: valid UTF-8 characters outnumber the stray bytes.
        let d = decode(
            "Na\u{ef}ve r\u{e9}sum\u{e9} \u{2014} \u{201c}quoted\u{201d} "
                .as_bytes()
                .iter()
                .copied()
                .chain(*b"\x96 dash")
                .collect::<Vec<u8>>()
                .as_slice(),
        )
        .unwrap();
        assert_eq!(d.encoding, "UTF-8");
        assert!(d.text.ends_with("\u{2013} dash"), "{}", d.text);
    }

    #[test]
    fn a_declared_charset_is_honoured_when_the_bytes_agree() {
        let page = b"<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=koi8-r\"></head><body>\xf0\xd2\xc1\xd7\xc4\xc1</body></html>";
        let d = decode(page).unwrap();
        assert_eq!(d.encoding, "KOI8-R");
        assert!(
            d.text
                .contains("\u{41f}\u{440}\u{430}\u{432}\u{434}\u{430}"),
            "{}",
            d.text
        );
        assert_eq!(
            declared_charset(b"<?xml version='1.0' encoding='ISO-8859-1'?><rss>"),
            Some(WINDOWS_1252)
        );
        assert_eq!(declared_charset(b"no declaration here"), None);
    }

    #[test]
    fn strips_stray_nul_bytes() {
        assert_eq!(
            decode(b"Head\0line\n\nBody").unwrap().text,
            "Headline\n\nBody"
        );
    }
}
