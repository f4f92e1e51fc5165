//! The timeline as an SVG bar chart, drawn here (no chart library): one bar
//! per period of the search's timeline, each a link that narrows the search
//! to that period, so the chart works without JavaScript; the page's script
//! adds dragging over several bars. Pure: periods in, markup out.

use super::params::Params;
use crate::search::hit::TimelineBucket;
use maud::{Markup, html};

/// Width of one bar's slot and the chart's height, in SVG units.
const SLOT: f64 = 10.0;
const HEIGHT: f64 = 60.0;

/// `since`/`until` values that select one period (`YYYY-MM` or `YYYY`; the
/// date parser reads them as the first and last day).
fn range_of(period: &str) -> (String, String) {
    (period.to_string(), period.to_string())
}

/// Whether the period lies inside the current date filter (for shading).
fn selected(period: &str, p: &Params) -> bool {
    let (since, until) = (p.since.as_deref(), p.until.as_deref());
    if since.is_none() && until.is_none() {
        return false;
    }
    // Periods and filters are ISO dates or their prefixes, so comparing the
    // common prefix orders them.
    let cmp = |a: &str, b: &str| {
        let n = a.len().min(b.len());
        a[..n].cmp(&b[..n])
    };
    since.is_none_or(|s| cmp(period, s).is_ge()) && until.is_none_or(|u| cmp(period, u).is_le())
}

/// The chart for `buckets` under the search state `p`.
pub fn timeline(buckets: &[TimelineBucket], p: &Params) -> Markup {
    let max = buckets.iter().map(|b| b.count).max().unwrap_or(0).max(1) as f64;
    let width = SLOT * buckets.len().max(1) as f64;
    let base = p.changed(|p| {
        p.since = None;
        p.until = None;
    });
    let unit = if buckets.first().is_some_and(|b| b.period.len() == 4) {
        "year"
    } else {
        "month"
    };
    html! {
        figure.timeline {
            svg #timeline viewBox=(format!("0 0 {width} {HEIGHT}")) preserveAspectRatio="none"
                role="img" aria-label=(format!("matches per {unit}"))
                data-base=(base.url()) {
                @for (i, b) in buckets.iter().enumerate() {
                    @let h = if b.count == 0 { 0.0 } else { (b.count as f64 / max * (HEIGHT - 2.0)).max(2.0) };
                    @let (since, until) = range_of(&b.period);
                    @let href = p.changed(|p| { p.since = Some(since.clone()); p.until = Some(until.clone()); }).url();
                    a.bar.on[selected(&b.period, p)] href=(href) data-period=(b.period) {
                        title { (b.period) ": " (b.count) }
                        rect.area x=(SLOT * i as f64) y="0" width=(SLOT) height=(HEIGHT) {}
                        rect.fill x=(SLOT * i as f64 + 1.0) y=(HEIGHT - h) width=(SLOT - 2.0) height=(h) {}
                    }
                }
            }
            @if let (Some(first), Some(last)) = (buckets.first(), buckets.last()) {
                figcaption {
                    span { (first.period) }
                    span.hint { "matches per " (unit) " — click a bar, or drag across bars, to narrow the dates" }
                    span { (last.period) }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b(p: &str, c: u64) -> TimelineBucket {
        TimelineBucket {
            period: p.into(),
            count: c,
        }
    }

    #[test]
    fn each_bar_links_to_its_period() {
        let p = Params::parse("q=nuclear&page=3").unwrap();
        let svg = timeline(&[b("2011-02", 1), b("2011-03", 4)], &p).into_string();
        assert!(
            svg.contains(r#"href="/?q=nuclear&amp;since=2011-03&amp;until=2011-03""#),
            "{svg}"
        );
        assert_eq!(svg.matches("<rect class=\"fill\"").count(), 2);
        // The tallest bar fills the chart; the other is a quarter of it.
        assert!(svg.contains(r#"height="58""#), "{svg}");
        assert!(svg.contains(r#"height="14.5""#), "{svg}");
        assert!(svg.contains(r#"data-base="/?q=nuclear""#), "{svg}");
    }

    #[test]
    fn bars_inside_the_date_filter_are_marked() {
        let p = Params::parse("q=x&since=2011-03&until=2011").unwrap();
        assert!(!selected("2011-02", &p));
        assert!(selected("2011-03", &p));
        assert!(selected("2011-12", &p));
        assert!(!selected("2012-01", &p));
        let years = Params::parse("q=x&since=2010-06-01").unwrap();
        assert!(selected("2010", &years) && !selected("2009", &years));
    }
}
