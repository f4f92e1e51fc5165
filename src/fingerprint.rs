//! Near-duplicate fingerprints of article bodies: pure functions from text
//! to a [`Fingerprint`], and the test that says whether two fingerprints are
//! near-duplicates. `index` stores them; `search::dedup` folds results
//! with them. Nothing here knows tantivy.
//!
//! A fingerprint is a MinHash of the body's 3-word shingles: 64 minimums,
//! each kept to its lowest 8 bits ("b-bit MinHash", Li and König 2010), so
//! that the whole fingerprint is 84 bytes. The share of equal values, less
//! the 1/256 chance that two different minimums agree in 8 bits, estimates
//! the Jaccard similarity of the two shingle sets within about ±0.05 at 0.8.
//! The first 32 values, cut into 8 bands of 4, are the keys of
//! locality-sensitive hashing: two bodies with Jaccard similarity `s` share
//! at least one band with probability `1 - (1 - s^4)^8`, which is 0.986 at
//! s = 0.8, 0.9999 at s = 0.9 and 0.19 at s = 0.4. So nearly every pair at
//! the threshold becomes a candidate through an exact band match (a term
//! lookup), and the whole fingerprint then decides. (16 bands of 32-bit
//! values found 0.9998 of the pairs at 0.8 but made the index 60% larger
//! and indexing 60% slower; 8 bands of 8 values found only 77%.)
//!
//! Two bodies are near-duplicates when their estimated Jaccard similarity
//! is at least [`THRESHOLD`] (0.8) and the numbers they quote agree (the
//! Jaccard similarity of their sets of number tokens, estimated from a
//! 128-bit sketch, is at least [`NUMBERS_THRESHOLD`]). On Reuters-21578,
//! pairs at 0.9 and above were all the same story told again (repeats,
//! corrections, the same item filed twice); between 0.8 and 0.9 half were
//! daily template reports ("FED ADDS RESERVES VIA CUSTOMER REPURCHASES",
//! USDA crop estimates, dividend notices) that differ only in their
//! figures, which the number test tells apart. Bodies of fewer than
//! [`MIN_WORDS`] words get no fingerprint: a 14-word dividend notice
//! ("Qtly div 20 cts vs 20 cts prior, pay April 30, record April 15") is
//! word for word the same for every company. A body of fewer than
//! [`SHORT_WORDS`] words folds only with the same words: in the 50 folded
//! Reuters pairs judged by hand, the one short pair that was not the same
//! story was two fund dividend notices that differed in the fund's name.

use xxhash_rust::xxh3::{xxh3_64, xxh3_64_with_seed};

/// MinHash values per fingerprint.
pub const HASHES: usize = 64;

/// LSH bands, of [`ROWS`] values each.
pub const BANDS: usize = 8;

/// MinHash values per band.
pub const ROWS: usize = 4;

/// The chance that two different MinHash minimums agree in their kept
/// 8 bits.
const CHANCE: f32 = 1.0 / 256.0;

/// Words per shingle.
pub const SHINGLE: usize = 3;

/// Bodies with fewer words are never folded.
pub const MIN_WORDS: usize = 20;

/// Bodies with fewer words fold only with a body of the same shingles.
pub const SHORT_WORDS: u32 = 40;

/// Estimated Jaccard similarity of the shingle sets at which two bodies are
/// near-duplicates.
pub const THRESHOLD: f32 = 0.8;

/// Estimated Jaccard similarity of the number sets two near-duplicates need.
pub const NUMBERS_THRESHOLD: f32 = 0.8;

/// 32-bit words of the number sketch.
const NUMBER_WORDS: usize = 4;

/// Bytes of a fingerprint: the MinHash, the number sketch, the word count.
const BYTES: usize = HASHES + 4 * NUMBER_WORDS + 4;

/// Fingerprint bytes per column value (the value's position takes the top
/// byte).
const BYTES_PER_VALUE: usize = 7;

/// How many values [`Fingerprint::to_values`] gives.
pub const VALUES: usize = BYTES.div_ceil(BYTES_PER_VALUE);

/// The MinHash of a body and a sketch of its numbers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fingerprint {
    /// The lowest 8 bits of each minimum.
    pub minhash: [u8; HASHES],
    /// A 128-bit set: bit `hash(n) % 128` is set for every number token `n`.
    pub numbers: [u32; NUMBER_WORDS],
    /// Words in the body (at most `u32::MAX`).
    pub words: u32,
}

/// The 64 hash functions `h_i(x) = (a_i x + b_i) >> 32` (multiply-shift,
/// `a_i` odd), with constants from splitmix64 so that they are fixed forever:
/// a stored fingerprint must compare with one computed by a later build.
const SEEDS: [(u64, u64); HASHES] = seeds();

const fn splitmix(state: u64) -> u64 {
    let mut z = state;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

const fn seeds() -> [(u64, u64); HASHES] {
    let mut out = [(0u64, 0u64); HASHES];
    let mut state = 0x6e65_7773_6964_7831u64; // "newsidx1"
    let mut i = 0;
    while i < HASHES {
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let a = splitmix(state) | 1;
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let b = splitmix(state);
        out[i] = (a, b);
        i += 1;
    }
    out
}

impl Fingerprint {
    /// The fingerprint of `body`, or `None` when it has fewer than
    /// [`MIN_WORDS`] words.
    pub fn of(body: &str) -> Option<Fingerprint> {
        let mut minhash = [u32::MAX; HASHES];
        let mut numbers = [0u32; NUMBER_WORDS];
        let mut last = [0u64; SHINGLE];
        let mut n = 0usize;
        words(body, |w, is_number| {
            let h = xxh3_64(w.as_bytes());
            if is_number {
                let bit = (h % (32 * NUMBER_WORDS as u64)) as usize;
                numbers[bit / 32] |= 1 << (bit % 32);
            }
            last.rotate_left(1);
            last[SHINGLE - 1] = h;
            n += 1;
            if n >= SHINGLE {
                let s = splitmix(last[0] ^ last[1].rotate_left(21) ^ last[2].rotate_left(42));
                for (m, (a, b)) in minhash.iter_mut().zip(SEEDS) {
                    let v = (a.wrapping_mul(s).wrapping_add(b) >> 32) as u32;
                    *m = (*m).min(v);
                }
            }
        });
        let words = u32::try_from(n).unwrap_or(u32::MAX);
        (n >= MIN_WORDS).then_some(Fingerprint {
            minhash: minhash.map(|m| m as u8),
            numbers,
            words,
        })
    }

    /// The LSH band keys: two fingerprints sharing one are candidates.
    /// Each key hashes its band's number with its values, so equal values
    /// in different bands do not meet.
    pub fn bands(&self) -> [u64; BANDS] {
        let mut out = [0u64; BANDS];
        for (band, key) in out.iter_mut().enumerate() {
            let rows = &self.minhash[band * ROWS..(band + 1) * ROWS];
            *key = xxh3_64_with_seed(rows, band as u64);
        }
        out
    }

    /// The fingerprint as [`VALUES`] numbers for a multi-valued column:
    /// each value holds 7 of its bytes below its position in the top byte,
    /// so the column's order of values does not matter.
    pub fn to_values(&self) -> impl Iterator<Item = u64> {
        let mut bytes = [0u8; VALUES * BYTES_PER_VALUE];
        bytes[..HASHES].copy_from_slice(&self.minhash);
        for (i, w) in self.numbers.iter().enumerate() {
            bytes[HASHES + 4 * i..HASHES + 4 * i + 4].copy_from_slice(&w.to_le_bytes());
        }
        bytes[BYTES - 4..BYTES].copy_from_slice(&self.words.to_le_bytes());
        (0..VALUES).map(move |i| {
            let mut v = [0u8; 8];
            v[..BYTES_PER_VALUE]
                .copy_from_slice(&bytes[i * BYTES_PER_VALUE..(i + 1) * BYTES_PER_VALUE]);
            v[7] = i as u8;
            u64::from_le_bytes(v)
        })
    }

    /// The fingerprint back from [`Fingerprint::to_values`]; `None` unless
    /// every position is there.
    pub fn from_values(values: impl Iterator<Item = u64>) -> Option<Fingerprint> {
        let mut bytes = [0u8; VALUES * BYTES_PER_VALUE];
        let mut seen = 0u32;
        for v in values {
            let v = v.to_le_bytes();
            let i = usize::from(v[7]);
            if i >= VALUES {
                return None;
            }
            bytes[i * BYTES_PER_VALUE..(i + 1) * BYTES_PER_VALUE]
                .copy_from_slice(&v[..BYTES_PER_VALUE]);
            seen |= 1 << i;
        }
        if seen != (1u32 << VALUES) - 1 {
            return None;
        }
        let word = |at: usize| {
            u32::from_le_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]])
        };
        let mut minhash = [0u8; HASHES];
        minhash.copy_from_slice(&bytes[..HASHES]);
        Some(Fingerprint {
            minhash,
            numbers: std::array::from_fn(|i| word(HASHES + 4 * i)),
            words: word(BYTES - 4),
        })
    }

    /// How many of the two MinHashes' values are equal.
    fn equal_values(&self, other: &Fingerprint) -> usize {
        self.minhash
            .iter()
            .zip(&other.minhash)
            .filter(|(a, b)| a == b)
            .count()
    }

    /// The estimated Jaccard similarity of the two bodies' shingle sets.
    pub fn similarity(&self, other: &Fingerprint) -> f32 {
        let equal = self.equal_values(other) as f32 / HASHES as f32;
        ((equal - CHANCE) / (1.0 - CHANCE)).max(0.0)
    }

    /// The estimated Jaccard similarity of the two bodies' number sets (1
    /// when neither quotes a number).
    pub fn numbers_similarity(&self, other: &Fingerprint) -> f32 {
        let (mut both, mut either) = (0, 0);
        for (a, b) in self.numbers.iter().zip(&other.numbers) {
            both += (a & b).count_ones();
            either += (a | b).count_ones();
        }
        if either == 0 {
            1.0
        } else {
            both as f32 / either as f32
        }
    }

    /// Whether the two bodies tell the same text: see the module's doc.
    pub fn near_duplicate(&self, other: &Fingerprint) -> bool {
        if self.words.min(other.words) < SHORT_WORDS {
            return self.equal_values(other) == HASHES && self.numbers == other.numbers;
        }
        self.similarity(other) >= THRESHOLD && self.numbers_similarity(other) >= NUMBERS_THRESHOLD
    }
}

/// The words of `text`, lower-cased, each with whether it holds a digit. A
/// word is a run of letters and digits; `.`, `,`, `/` and `-` between two
/// digits stay inside it, so `6-3/16`, `1,250.5` and `0.25` are one number
/// each and `0.25` differs from `0.50`.
fn words(text: &str, mut f: impl FnMut(&str, bool)) {
    let mut buf = String::new();
    let mut has_digit = false;
    let mut it = text.chars().peekable();
    while let Some(c) = it.next() {
        if c.is_alphanumeric() {
            buf.extend(c.to_lowercase());
            has_digit |= c.is_ascii_digit();
        } else if matches!(c, '.' | ',' | '/' | '-')
            && buf.ends_with(|p: char| p.is_ascii_digit())
            && it.peek().is_some_and(char::is_ascii_digit)
        {
            buf.push(c);
        } else if !buf.is_empty() {
            f(&buf, has_digit);
            buf.clear();
            has_digit = false;
        }
    }
    if !buf.is_empty() {
        f(&buf, has_digit);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const STORY: &str = "The central bank of Ruritania raised its main lending rate \
        by half a point on Tuesday, the first increase in three years, saying \
        that prices of food and fuel had risen faster than it expected and that \
        wages were following them. The governor told reporters in the capital \
        that the bank would watch the figures for April before deciding whether \
        a further step was needed, and that the currency had no part in the \
        decision. Exporters said the move would make loans dearer for farmers.";

    fn words_of(text: &str) -> Vec<(String, bool)> {
        let mut v = Vec::new();
        words(text, |w, n| v.push((w.to_string(), n)));
        v
    }

    #[test]
    fn words_keep_numbers_whole() {
        let got = words_of("Fed at 6-3/16 pct, 1,250.5 DLRS; U.S. up 0.25.");
        let want = [
            ("fed", false),
            ("at", false),
            ("6-3/16", true),
            ("pct", false),
            ("1,250.5", true),
            ("dlrs", false),
            ("u", false),
            ("s", false),
            ("up", false),
            ("0.25", true),
        ];
        assert_eq!(
            got,
            want.map(|(w, n)| (w.to_string(), n)).to_vec(),
            "{got:?}"
        );
    }

    #[test]
    fn same_text_same_fingerprint_whatever_the_layout() {
        let a = Fingerprint::of(STORY).unwrap();
        let reflowed = STORY.replace(", ", ",\n    ").to_uppercase();
        let b = Fingerprint::of(&reflowed).unwrap();
        assert_eq!(a, b);
        assert!(a.near_duplicate(&b));
        assert_eq!(a.bands(), b.bands());
    }

    #[test]
    fn a_corrected_copy_is_a_near_duplicate() {
        let a = Fingerprint::of(STORY).unwrap();
        let corrected = STORY.replace("Exporters said", "Exporters and importers said");
        let b = Fingerprint::of(&corrected).unwrap();
        let s = a.similarity(&b);
        assert!((THRESHOLD..1.0).contains(&s), "{s}");
        assert!(a.near_duplicate(&b));
        assert!(a.bands().iter().any(|k| b.bands().contains(k)));
    }

    #[test]
    fn another_story_is_not() {
        let a = Fingerprint::of(STORY).unwrap();
        let other = "Floods closed the coastal road between the two ports for a \
            second day, and the ferry company said it would add sailings until \
            the water went down; farmers in the valley counted their losses.";
        let b = Fingerprint::of(other).unwrap();
        assert!(a.similarity(&b) < 0.2);
        assert!(!a.near_duplicate(&b));
    }

    /// The daily template report: the same words, other figures.
    #[test]
    fn the_same_template_with_other_figures_is_not() {
        let day = |amount: &str, rate: &str| {
            format!(
                "The Federal Reserve entered the government securities market to \
                 arrange {amount} billion dlrs of customer repurchase agreements, a \
                 Fed spokesman said. Dealers said Federal funds were trading at \
                 {rate} pct when the Fed began its temporary and indirect supply \
                 of reserves to the banking system."
            )
        };
        let a = Fingerprint::of(&day("1.5", "6-3/16")).unwrap();
        let b = Fingerprint::of(&day("2.5", "6-1/16")).unwrap();
        assert!(a.numbers_similarity(&b) < NUMBERS_THRESHOLD);
        assert!(!a.near_duplicate(&b));
        let again = Fingerprint::of(&day("1.5", "6-3/16")).unwrap();
        assert!(a.near_duplicate(&again));
    }

    /// Two fund dividend notices of Reuters-21578 (690 and 702), the same
    /// words but for the fund's name.
    #[test]
    fn short_bodies_fold_only_when_their_words_agree() {
        let notice = |fund: &str| {
            format!(
                "Mthly div 7.1 cts vs 7.1 cts prior Pay March 31 Record March 16 \
                 NOTE: Franklin {fund}Insured Tax-Free Income Fund."
            )
        };
        let a = Fingerprint::of(&notice("")).unwrap();
        let b = Fingerprint::of(&notice("High-Yield ")).unwrap();
        assert!(a.words < SHORT_WORDS);
        assert!(a.similarity(&b) >= THRESHOLD, "{}", a.similarity(&b));
        assert!(!a.near_duplicate(&b));
        let again = Fingerprint::of(&notice("").replace("  ", " ")).unwrap();
        assert!(a.near_duplicate(&again));
    }

    #[test]
    fn short_bodies_have_none() {
        assert_eq!(Fingerprint::of("Qtly div 20 cts vs 20 cts prior"), None);
        assert_eq!(Fingerprint::of(""), None);
    }

    #[test]
    fn values_round_trip_in_any_order() {
        let a = Fingerprint::of(STORY).unwrap();
        let mut v: Vec<u64> = a.to_values().collect();
        assert_eq!(v.len(), VALUES);
        v.sort_by_key(|x| *x as u32);
        assert!(v.iter().all(|x| *x >> 56 < VALUES as u64));
        assert_eq!(Fingerprint::from_values(v.iter().copied()), Some(a));
        v.pop();
        assert_eq!(Fingerprint::from_values(v.into_iter()), None);
    }

    /// The hash functions are part of the index format: a change would make
    /// old fingerprints incomparable with new ones without a schema bump.
    #[test]
    fn hash_functions_are_fixed() {
        let f = Fingerprint::of(STORY).unwrap();
        assert_eq!(f.minhash[..4], [166, 7, 120, 134]);
        assert_eq!(f.bands()[0], 0x4ce4_23a4_7459_4c79);
        let n = Fingerprint::of(&format!("{STORY} It cost 12.5 mln dlrs.")).unwrap();
        assert_eq!(n.numbers.iter().map(|w| w.count_ones()).sum::<u32>(), 1);
    }
}
