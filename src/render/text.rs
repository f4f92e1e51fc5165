//! Human output for a terminal: rank, title, id, date, countries, snippet,
//! with matches in bold colour when colour is on; then facet counts and a
//! timeline bar chart when asked. Article text always goes through
//! `sanitize`, so no control character from a document reaches the terminal.

use super::{Color, safe_char, sanitize};
use crate::search::hit::{FacetCount, Hit, Results, TimelineBucket};
use std::io::{self, Write};

const MATCH_ON: &str = "\x1b[1;31m";
const DIM_ON: &str = "\x1b[2m";
const BOLD_ON: &str = "\x1b[1m";
const OFF: &str = "\x1b[0m";

pub fn write_results(w: &mut dyn Write, r: &Results, color: Color) -> io::Result<()> {
    for h in &r.hits {
        write_hit(w, h, color)?;
    }
    let shown = r.hits.len();
    let from = r.hits.first().map(|h| h.rank).unwrap_or(0);
    let summary = if shown == 0 && r.total_hits > 0 {
        format!(
            "no hits on this page ({} in all; lower --offset)",
            r.total_hits
        )
    } else if shown == 0 {
        format!("no hits for {}", sanitize(&r.query, false))
    } else if shown == r.total_hits {
        format!(
            "{} hit{} ({:.1} ms)",
            r.total_hits,
            plural(r.total_hits),
            r.took_ms
        )
    } else {
        format!(
            "hits {from}-{} of {} ({:.1} ms)",
            from + shown - 1,
            r.total_hits,
            r.took_ms
        )
    };
    match color {
        Color::Always => writeln!(w, "{DIM_ON}{summary}{OFF}")?,
        Color::Never => writeln!(w, "{summary}")?,
    }
    for (name, counts) in &r.facets {
        write_facet(w, name, counts, color)?;
    }
    if let Some(t) = &r.timeline {
        write_timeline(w, t, color)?;
    }
    Ok(())
}

fn heading(w: &mut dyn Write, text: &str, color: Color) -> io::Result<()> {
    writeln!(w)?;
    match color {
        Color::Always => writeln!(w, "{BOLD_ON}{text}{OFF}"),
        Color::Never => writeln!(w, "{text}"),
    }
}

/// `country` facet: one value per line, counts right-aligned.
fn write_facet(
    w: &mut dyn Write,
    name: &str,
    counts: &[FacetCount],
    color: Color,
) -> io::Result<()> {
    heading(w, &format!("{name} (documents)"), color)?;
    if counts.is_empty() {
        return writeln!(w, "  (none)");
    }
    let labels: Vec<String> = counts
        .iter()
        .map(|c| match &c.code {
            Some(code) => sanitize(&format!("{} ({code})", c.value), false),
            None => sanitize(&c.value, false),
        })
        .collect();
    let width = labels.iter().map(|l| l.chars().count()).max().unwrap_or(0);
    let digits = counts
        .iter()
        .map(|c| c.count.to_string().len())
        .max()
        .unwrap_or(1);
    for (label, c) in labels.iter().zip(counts) {
        let pad = width - label.chars().count();
        writeln!(w, "  {label}{}  {:>digits$}", " ".repeat(pad), c.count)?;
    }
    Ok(())
}

/// Widest bar of the timeline, in characters.
const BAR: u64 = 40;

/// Hits per period as horizontal bars, scaled to the busiest period.
fn write_timeline(w: &mut dyn Write, t: &[TimelineBucket], color: Color) -> io::Result<()> {
    let unit = if t.first().is_some_and(|b| b.period.len() == 4) {
        "year"
    } else {
        "month"
    };
    heading(w, &format!("timeline (hits per {unit})"), color)?;
    if t.is_empty() {
        return writeln!(w, "  (no dated hits)");
    }
    let max = t.iter().map(|b| b.count).max().unwrap_or(0).max(1);
    for b in t {
        // A period with hits always shows at least one block.
        let len = if b.count == 0 {
            0
        } else {
            (b.count * BAR).div_ceil(max)
        };
        let bar = "█".repeat(len as usize);
        match color {
            Color::Always => writeln!(w, "  {:<7} {MATCH_ON}{bar}{OFF} {}", b.period, b.count)?,
            Color::Never => writeln!(w, "  {:<7} {bar} {}", b.period, b.count)?,
        }
    }
    Ok(())
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn write_hit(w: &mut dyn Write, h: &Hit, color: Color) -> io::Result<()> {
    let d = &h.doc;
    let title = marked(&d.title, &h.title_highlights, color, BOLD_ON);
    writeln!(w, "{:>2}. {title}", h.rank)?;
    let mut meta = vec![sanitize(&d.id, false)];
    if let Some(date) = d.date {
        meta.push(date.format("%Y-%m-%d").to_string());
    }
    if !d.countries.is_empty() {
        meta.push(sanitize(&d.countries.join(", "), false));
    }
    let meta = meta.join(" · ");
    match color {
        Color::Always => writeln!(w, "    {DIM_ON}{meta}{OFF}")?,
        Color::Never => writeln!(w, "    {meta}")?,
    }
    if !h.snippet.text.is_empty() {
        let s = marked(&h.snippet.text, &h.snippet.highlights, color, "");
        writeln!(w, "    {s}")?;
    }
    writeln!(w)
}

/// `text` with the character ranges `marks` emphasised; `base` is the style
/// of the unmarked text, restored after each mark.
fn marked(text: &str, marks: &[[usize; 2]], color: Color, base: &str) -> String {
    let mut out = String::with_capacity(text.len() + marks.len() * 12);
    let on = color == Color::Always;
    if on {
        out.push_str(base);
    }
    let mut next = marks.iter().peekable();
    let mut inside_until: Option<usize> = None;
    for (i, c) in text.chars().enumerate() {
        if inside_until == Some(i) {
            if on {
                out.push_str(OFF);
                out.push_str(base);
            }
            inside_until = None;
        }
        if inside_until.is_none() {
            while next.peek().is_some_and(|m| m[1] <= i) {
                next.next();
            }
            if let Some(m) = next.peek().filter(|m| m[0] == i) {
                if on {
                    out.push_str(MATCH_ON);
                }
                inside_until = Some(m[1]);
                next.next();
            }
        }
        out.extend(safe_char(c));
    }
    if on {
        out.push_str(OFF);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_ranges_with_colour() {
        let s = marked("rare earth metals", &[[0, 10]], Color::Always, "");
        assert_eq!(s, "\x1b[1;31mrare earth\x1b[0m metals\x1b[0m");
        assert_eq!(
            marked("rare earth", &[[0, 4]], Color::Never, ""),
            "rare earth"
        );
    }

    #[test]
    fn timeline_bars_scale_to_the_busiest_period() {
        let t = [("2011-03", 4), ("2011-04", 0), ("2011-05", 1)].map(|(p, c)| TimelineBucket {
            period: p.into(),
            count: c,
        });
        let mut out = Vec::new();
        write_timeline(&mut out, &t, Color::Never).unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[1], "timeline (hits per month)");
        assert_eq!(lines[2], format!("  2011-03 {} 4", "█".repeat(40)));
        assert_eq!(lines[3], "  2011-04  0");
        assert_eq!(lines[4], format!("  2011-05 {} 1", "█".repeat(10)));
    }

    #[test]
    fn facet_values_are_aligned_with_codes() {
        let counts = [
            FacetCount {
                value: "Japan".into(),
                code: Some("JP".into()),
                count: 12,
            },
            FacetCount {
                value: "South Korea".into(),
                code: Some("KR".into()),
                count: 3,
            },
        ];
        let mut out = Vec::new();
        write_facet(&mut out, "country", &counts, Color::Never).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(
            text,
            "\ncountry (documents)\n  Japan (JP)        12\n  South Korea (KR)   3\n"
        );
    }

    #[test]
    fn control_characters_never_reach_the_terminal() {
        let s = marked("evil\x1b]0;title\x07 text", &[], Color::Never, "");
        assert!(!s.contains('\x1b') && !s.contains('\x07'), "{s:?}");
    }
}
