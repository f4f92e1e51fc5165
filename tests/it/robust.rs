//! Issue: Real archives — robustness beyond examples. Property tests feed
//! arbitrary bytes through decode → normalize → extract (never a panic:
//! always documents or a reason), and check what must round-trip: valid
//! UTF-8, UTF-16 with a byte-order mark, sparse Western text in
//! Windows-1252, and file names through their ids. Arbitrary strings to the
//! query parser: a query tree or a clear error, never a panic.

use newsidx::corpus::walk::{id_to_path, rel_path, unescape_id};
use newsidx::corpus::{Entry, Reason, decode::decode};
use newsidx::pipeline;
use newsidx::search::{DefaultOperator, query};
use proptest::prelude::*;
use std::path::{Path, PathBuf};

/// 256 cases a property keeps the suite fast; `PROPTEST_CASES=N` runs more.
fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(256);
    ProptestConfig::with_cases(cases)
}

fn entry(ext: &str) -> Entry {
    Entry {
        path: PathBuf::from(format!("corpus/story.{ext}")),
        rel: format!("story.{ext}"),
        size: 0,
        mtime: 0,
    }
}

/// Bytes that look like text often enough to reach the parsers: ASCII
/// words and markup, odd bytes of every kind, and now and then a BOM.
fn texty_bytes() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        4 => "[A-Za-z ]{1,12}".prop_map(String::into_bytes),
        2 => Just(b"\n".to_vec()),
        1 => Just(b"\n\n".to_vec()),
        1 => prop::sample::select(vec![
            &b"<html><title>"[..], b"</title>", b"<p>", b"{\"title\":", b"\"", b"# ",
            b"Image Credit: ", b"\r\n", b"\xef\xbb\xbf", b"\xff\xfe", b"\0", b"\x1b[31m",
        ])
        .prop_map(<[u8]>::to_vec),
        1 => prop::collection::vec(any::<u8>(), 1..4),
    ];
    prop::collection::vec(piece, 0..64).prop_map(|v| v.concat())
}

fn any_ext() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec!["txt", "md", "html", "htm", "json", "jsonl", "xml", ""])
}

fn check_pipeline(bytes: &[u8], ext: &str) -> Result<(), TestCaseError> {
    match pipeline::process_bytes(&entry(ext), bytes, &pipeline::Options::default()).map(|p| p.docs)
    {
        Ok(docs) => {
            for d in docs {
                prop_assert!(!d.title.chars().any(char::is_control), "{:?}", d.title);
                prop_assert!(!d.body.contains('\0'));
            }
        }
        Err(reason) => prop_assert!(!reason.to_string().is_empty()),
    }
    Ok(())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn any_bytes_give_documents_or_a_reason(bytes in prop::collection::vec(any::<u8>(), 0..2048), ext in any_ext()) {
        check_pipeline(&bytes, ext)?;
    }

    #[test]
    fn text_like_bytes_give_documents_or_a_reason(bytes in texty_bytes(), ext in any_ext()) {
        check_pipeline(&bytes, ext)?;
    }

    #[test]
    fn decoded_text_never_holds_nul(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        if let Ok(d) = decode(&bytes) {
            prop_assert!(!d.text.contains('\0'));
            prop_assert!(!d.text.trim().is_empty());
        }
    }

    #[test]
    fn valid_utf8_text_comes_back_unchanged(s in "[^\u{0}-\u{8}\u{e}-\u{1f}\u{7f}\u{feff}]{1,400}") {
        match decode(s.as_bytes()) {
            Ok(d) => prop_assert_eq!((d.text.as_str(), d.encoding), (s.as_str(), "UTF-8")),
            Err(r) => prop_assert!(s.trim().is_empty() && r == Reason::Empty, "{s:?}: {r}"),
        }
    }

    #[test]
    fn utf16_with_a_bom_comes_back_unchanged(s in "[^\u{0}]{1,300}", big_endian in any::<bool>()) {
        let mut bytes = if big_endian { vec![0xfe, 0xff] } else { vec![0xff, 0xfe] };
        for u in s.encode_utf16() {
            bytes.extend(if big_endian { u.to_be_bytes() } else { u.to_le_bytes() });
        }
        match decode(&bytes) {
            Ok(d) => prop_assert_eq!(d.text, s),
            Err(r) => prop_assert!(s.trim().is_empty() && r == Reason::Empty, "{s:?}: {r}"),
        }
    }

    #[test]
    fn sparse_western_text_is_read_as_windows_1252(text in western_text()) {
        let (bytes, _, unmappable) = encoding_rs::WINDOWS_1252.encode(&text);
        prop_assume!(!unmappable);
        let d = decode(&bytes).map_err(|r| TestCaseError::fail(r.to_string()))?;
        let want = if text.is_ascii() { "UTF-8" } else { "windows-1252" };
        prop_assert_eq!(d.encoding, want, "{:?}", text);
        prop_assert_eq!(d.text, text);
    }

    #[test]
    fn any_query_gives_a_tree_or_a_clear_error(q in query_text(), or in any::<bool>()) {
        let op = if or { DefaultOperator::Or } else { DefaultOperator::And };
        if let Err(e) = query::parse(&q, op) {
            prop_assert!(!e.to_string().trim().is_empty(), "{:?}", q);
        }
    }

    #[cfg(unix)]
    #[test]
    fn any_file_name_has_an_id_that_leads_back_to_it(names in prop::collection::vec(file_name(), 1..4)) {
        use std::os::unix::ffi::OsStrExt;
        let root = Path::new("/corpus");
        let rel = names.join(&b'/');
        let path = root.join(std::ffi::OsStr::from_bytes(&rel));
        let id = rel_path(root, &path);
        prop_assert!(!id.chars().any(char::is_control), "{:?}", id);
        prop_assert_eq!(unescape_id(&id), rel);
        prop_assert_eq!(id_to_path(root, &id), path);
    }
}

/// Query-like strings: words, operators, fields, quotes and brackets in any
/// order, and now and then anything at all.
fn query_text() -> impl Strategy<Value = String> {
    let token = prop_oneof![
        4 => "[a-zA-Z0-9]{1,8}",
        2 => prop::sample::select(vec![
            "AND", "OR", "NOT", "+", "-", "(", ")", "\"", "title:", "country:", "minister:",
            "section:", "date:", ":", "*", "~", "^2", "..", "[", "]", "{", "}", "\\",
        ])
        .prop_map(String::from),
        1 => any::<String>(),
    ];
    prop::collection::vec(token, 0..16).prop_map(|t| t.join(" "))
}

/// One file-name component: any bytes but '/' and NUL, not `.` or `..`.
fn file_name() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(
        any::<u8>().prop_filter("no / or NUL", |b| *b != b'/' && *b != 0),
        1..16,
    )
    .prop_filter("not . or ..", |n| n != b"." && n != b"..")
}

/// English-like text in which accented letters are sparse (at most one per
/// word, at most one letter in twenty) and Western symbols stand where they
/// do in news copy: a pound or a euro before a number, curly quotes around a
/// word, a dash between words.
fn western_text() -> impl Strategy<Value = String> {
    // At least 20 words: "sparse" is a claim about article-length text; a
    // handful of letters among six curly quotes is dense, and chardetng may
    // then rightly read it as GB18030 (proptest found "““ßa””").
    let word = "[a-z]{2,9}";
    let accents = prop::sample::select("éèàâçüöäßñóíúêôëïøåæœ".chars().collect::<Vec<_>>());
    let symbol = prop::sample::select(vec!["£", "€", "¥", "“", "–", "—", "©", "°", "½", "…"]);
    (
        prop::collection::vec(word, 20..80),
        prop::collection::vec(
            (
                any::<prop::sample::Index>(),
                any::<prop::sample::Index>(),
                accents,
            ),
            0..12,
        ),
        prop::collection::vec((any::<prop::sample::Index>(), symbol), 0..4),
    )
        .prop_map(|(words, accents, symbols)| {
            let mut words: Vec<Vec<char>> = words.iter().map(|w| w.chars().collect()).collect();
            let letters: usize = words.iter().map(Vec::len).sum();
            let mut accented = vec![false; words.len()];
            for (w, l, c) in accents.into_iter().take(letters.max(40) / 20) {
                let wi = w.index(words.len());
                if !accented[wi] {
                    let li = l.index(words[wi].len());
                    words[wi][li] = c;
                    accented[wi] = true;
                }
            }
            let mut out: Vec<String> = words.into_iter().map(|w| w.into_iter().collect()).collect();
            for (at, s) in symbols {
                let i = at.index(out.len());
                out[i] = match s {
                    "£" | "€" | "¥" => format!("{} {s}{}", out[i], i + 5),
                    "“" => format!("“{}”", out[i]),
                    _ => format!("{} {s}", out[i]),
                };
            }
            format!("{}\n", out.join(" "))
        })
}
