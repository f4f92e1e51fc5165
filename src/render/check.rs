//! `newsidx check`: a line per saved query and a closing `N passed, N
//! failed` (text), JUnit XML as CI test reporters read it, or JSON
//! (`schema/check-output.schema.json`). The verdicts are `crate::check`'s.

use super::{round_ms, sanitize};
use crate::check::{Report, Verdict};
use serde::Serialize;
use std::io::{self, Write};

/// Version of the check JSON; bumped when a key changes meaning or goes.
pub const CHECK_VERSION: u32 = 1;

/// `newsidx check --format json`.
#[derive(Serialize)]
pub struct CheckOutput<'a> {
    pub version: u32,
    pub file: &'a str,
    pub passed: usize,
    pub failed: usize,
    pub errors: usize,
    pub took_ms: f64,
    pub queries: Vec<QueryOutput<'a>>,
}

/// How one saved query fared.
#[derive(Serialize)]
pub struct QueryOutput<'a> {
    pub name: &'a str,
    pub query: &'a str,
    pub line: usize,
    /// `pass`, `fail` or `error`.
    pub status: &'static str,
    pub total_hits: usize,
    pub failures: &'a [String],
    pub error: Option<&'a str>,
    pub took_ms: f64,
}

impl<'a> CheckOutput<'a> {
    pub fn new(file: &'a str, r: &'a Report) -> Self {
        CheckOutput {
            version: CHECK_VERSION,
            file,
            passed: r.passed(),
            failed: r.failed(),
            errors: r.errors(),
            took_ms: round_ms(r.took_ms),
            queries: r
                .verdicts
                .iter()
                .map(|v| QueryOutput {
                    name: &v.query.name,
                    query: &v.query.q,
                    line: v.query.line,
                    status: status(v),
                    total_hits: v.total_hits,
                    failures: &v.failures,
                    error: v.error.as_deref(),
                    took_ms: round_ms(v.took_ms),
                })
                .collect(),
        }
    }
}

fn status(v: &Verdict) -> &'static str {
    if v.error.is_some() {
        "error"
    } else if v.passed() {
        "pass"
    } else {
        "fail"
    }
}

/// The closing line, also what `check` prints on stderr for a person
/// watching CI logs when stdout is JSON or XML.
pub fn tally(r: &Report) -> String {
    format!("{} passed, {} failed", r.passed(), r.failed())
}

/// `PASS name (N hits)`, `FAIL name: why; why` or `ERROR name: what`.
pub fn write_text(out: &mut dyn Write, r: &Report) -> io::Result<()> {
    for v in &r.verdicts {
        let name = sanitize(&v.query.name, false);
        if let Some(e) = &v.error {
            writeln!(out, "ERROR {name}: {}", sanitize(e, false))?;
        } else if v.failures.is_empty() {
            let s = if v.total_hits == 1 { "" } else { "s" };
            writeln!(out, "PASS {name} ({} hit{s})", v.total_hits)?;
        } else {
            writeln!(
                out,
                "FAIL {name}: {}",
                sanitize(&v.failures.join("; "), false)
            )?;
        }
    }
    writeln!(out, "{}", tally(r))
}

/// JUnit XML as Jenkins, GitLab and GitHub test reporters read it: one
/// testsuite per file, one testcase per saved query.
pub fn write_junit(out: &mut dyn Write, file: &str, r: &Report) -> io::Result<()> {
    let x = xml_escape;
    let errors = r.errors();
    let failures = r.failed() - errors;
    let tests = r.verdicts.len();
    let secs = r.took_ms / 1000.0;
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<testsuites name="newsidx check" tests="{tests}" failures="{failures}" errors="{errors}" time="{secs:.3}">"#,
    )?;
    writeln!(
        out,
        r#"  <testsuite name="{}" tests="{tests}" failures="{failures}" errors="{errors}" skipped="0" time="{secs:.3}">"#,
        x(file),
    )?;
    for v in &r.verdicts {
        let open = format!(
            r#"    <testcase name="{}" classname="{}" time="{:.3}""#,
            x(&v.query.name),
            x(&format!("newsidx.check.{file}")),
            v.took_ms / 1000.0
        );
        if let Some(e) = &v.error {
            writeln!(out, "{open}>")?;
            writeln!(
                out,
                r#"      <error message="{}" type="query">{}</error>"#,
                x(e),
                x(&format!("query: {}\n{e}", v.query.q))
            )?;
            writeln!(out, "    </testcase>")?;
        } else if !v.failures.is_empty() {
            writeln!(out, "{open}>")?;
            writeln!(
                out,
                r#"      <failure message="{}" type="expectation">{}</failure>"#,
                x(&v.failures.join("; ")),
                x(&format!(
                    "query: {}\n{} hits\n{}",
                    v.query.q,
                    v.total_hits,
                    v.failures.join("\n")
                ))
            )?;
            writeln!(out, "    </testcase>")?;
        } else {
            writeln!(out, "{open}/>")?;
        }
    }
    writeln!(out, "  </testsuite>")?;
    writeln!(out, "</testsuites>")
}

/// Text for XML attribute values and character data.
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // XML 1.0 forbids most control characters even as references.
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_escaping() {
        assert_eq!(
            xml_escape("a<b & \"c\" 'd'>\u{1b}"),
            "a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;\u{fffd}"
        );
    }
}
