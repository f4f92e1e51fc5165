//! Hits per period for `--timeline`: months, or years when the matches span
//! more than three years, with the empty periods in between so that the
//! chart reads as time.

use super::hit::TimelineBucket;
use chrono::Datelike;
use std::collections::BTreeMap;

/// Beyond this many months from first to last match, count by year.
const MONTHS_BEFORE_YEARS: i32 = 36;

/// The month index (`year * 12 + month0`) of a Unix timestamp.
pub fn month_of(secs: i64) -> Option<i32> {
    let d = chrono::DateTime::from_timestamp(secs, 0)?.date_naive();
    Some(d.year() * 12 + d.month0() as i32)
}

/// Buckets from month counts, gaps filled with zeros.
pub fn buckets(months: &BTreeMap<i32, u64>) -> Vec<TimelineBucket> {
    let (Some((&first, _)), Some((&last, _))) = (months.first_key_value(), months.last_key_value())
    else {
        return Vec::new();
    };
    if last - first > MONTHS_BEFORE_YEARS {
        let mut years: BTreeMap<i32, u64> = BTreeMap::new();
        for (m, n) in months {
            *years.entry(m.div_euclid(12)).or_default() += n;
        }
        (first.div_euclid(12)..=last.div_euclid(12))
            .map(|y| TimelineBucket {
                period: format!("{y:04}"),
                count: years.get(&y).copied().unwrap_or(0),
            })
            .collect()
    } else {
        (first..=last)
            .map(|m| TimelineBucket {
                period: format!("{:04}-{:02}", m.div_euclid(12), m.rem_euclid(12) + 1),
                count: months.get(&m).copied().unwrap_or(0),
            })
            .collect()
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
    fn months_with_gaps_filled() {
        let m: BTreeMap<i32, u64> = [(2010 * 12 + 11, 2), (2011 * 12 + 1, 1)].into();
        assert_eq!(
            buckets(&m),
            [b("2010-12", 2), b("2011-01", 0), b("2011-02", 1)]
        );
    }

    #[test]
    fn years_beyond_three_years() {
        let m: BTreeMap<i32, u64> = [(2008 * 12, 1), (2012 * 12 + 5, 3), (2012 * 12 + 6, 1)].into();
        assert_eq!(
            buckets(&m),
            [
                b("2008", 1),
                b("2009", 0),
                b("2010", 0),
                b("2011", 0),
                b("2012", 4)
            ]
        );
    }

    #[test]
    fn month_of_timestamps() {
        assert_eq!(month_of(0), Some(1970 * 12));
        assert_eq!(month_of(1_300_060_800), Some(2011 * 12 + 2)); // 2011-03-14
        assert!(buckets(&BTreeMap::new()).is_empty());
    }
}
