//! Near-duplicate fingerprints of article bodies: pure functions from text
//! to a [`Signature`], and the test that says whether two fingerprints are
//! near-duplicates. `index` stores them; `search::dedup` folds results
//! with them. Nothing here knows tantivy.
//!
//! A fingerprint is a MinHash of the body's 3-word shingles: 64 minimums,
//! made with one hash a shingle (one-permutation hashing, see
//! [`OnePermutation`]; 64 hash functions a shingle cost 11% of
//! indexing). Its [`Signature`] keeps each to its lowest 8 bits ("b-bit MinHash", Li
//! and König 2010), 84 bytes with the number sketch and the word count: the
//! share of equal values, less the 1/256 chance that two different
//! minimums agree in 8 bits, estimates the Jaccard similarity of the two
//! shingle sets within about ±0.05 at 0.8. Its first 12 values, cut into
//! 4 bands of 3, give the keys of locality-sensitive hashing: two bodies
//! with Jaccard similarity `s` share at least one band with probability
//! about `1 - (1 - s^3)^4`, which is 0.94 at s = 0.8, 0.98 at 0.85, 0.995
//! at 0.9 and 0.23 at 0.4, while two unrelated articles (s about 0.005,
//! and 8-bit values agreeing by chance one time in 256) share one with
//! probability 3e-6: one candidate to reject per 300,000 articles. So nearly every pair above the
//! threshold becomes a candidate through an exact band match (a term
//! lookup), and the signature then decides. Each band key is an indexed
//! term, and terms are what fingerprints cost the index: 16 bands of 4
//! (0.9998 at 0.8) made indexing 60% slower, 8 bands of 4 (0.986) 25%
//! slower; 8 bands of 8 values found only 77% of the pairs at 0.8.
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

/// MinHash values per fingerprint.
pub const HASHES: usize = 64;

/// LSH bands, of [`ROWS`] values each.
pub const BANDS: usize = 4;

/// MinHash values per band.
pub const ROWS: usize = 3;

// A band key holds the band's number above its values, a byte each.
const _: () = assert!(8 * ROWS + 8 <= 64);

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

/// How many values [`Signature::to_values`] gives.
pub const VALUES: usize = BYTES.div_ceil(BYTES_PER_VALUE);

/// The MinHash of a body (8 bits a value) and a sketch of its numbers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Signature {
    /// The lowest 8 bits of each minimum.
    pub minhash: [u8; HASHES],
    /// A 128-bit set: bit `hash(n) % 128` is set for every number token `n`.
    pub numbers: [u32; NUMBER_WORDS],
    /// Words in the body (at most `u32::MAX`).
    pub words: u32,
}

/// splitmix64's finalizer: a fixed, well-mixed 64-bit hash of a 64-bit
/// value (part of the index format: a stored signature must compare with
/// one computed by a later build).
const fn splitmix(state: u64) -> u64 {
    let mut z = state;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// What a densified bin adds per step it borrowed over (an odd constant,
/// so that bins borrowing from the same neighbour differ).
const BORROW_STEP: u32 = 0x9e37_79b9;

/// One-permutation MinHash (Li, Owen and Zhang 2012) with densification by
/// rotation (Shrivastava and Li 2014): each shingle's one hash picks a bin
/// by its top 6 bits and competes there with its low 32, so a body costs
/// one hash a shingle instead of 64; an empty bin takes the value of the
/// next bin that has one, plus [`BORROW_STEP`] per bin it skipped. Equal
/// values in a bin estimate the Jaccard similarity as 64 independent
/// minimums would.
struct OnePermutation {
    bins: [u32; HASHES],
    filled: u64,
}

impl OnePermutation {
    fn new() -> OnePermutation {
        OnePermutation {
            bins: [u32::MAX; HASHES],
            filled: 0,
        }
    }

    /// A shingle, by its (well-mixed) hash.
    fn add(&mut self, s: u64) {
        let bin = (s >> 58) as usize;
        self.bins[bin] = self.bins[bin].min(s as u32);
        self.filled |= 1 << bin;
    }

    /// The 64 values, empty bins densified.
    fn finish(self) -> [u32; HASHES] {
        let OnePermutation { bins, filled } = self;
        if filled == 0 {
            return bins;
        }
        let mut out = bins;
        for (i, v) in out.iter_mut().enumerate() {
            if filled & (1 << i) == 0 {
                let k = filled.rotate_right(i as u32).trailing_zeros() as usize;
                let from = (i + k) % HASHES;
                *v = bins[from].wrapping_add(BORROW_STEP.wrapping_mul(k as u32));
            }
        }
        out
    }
}

impl Signature {
    /// The signature of `body`, or `None` when it has fewer than
    /// [`MIN_WORDS`] words.
    pub fn of(body: &str) -> Option<Signature> {
        let mut minhash = OnePermutation::new();
        let mut numbers = [0u32; NUMBER_WORDS];
        let mut last = [0u64; SHINGLE];
        let mut n = 0usize;
        word_hashes(body, |h, is_number| {
            if is_number {
                let bit = (splitmix(h) % (32 * NUMBER_WORDS as u64)) as usize;
                numbers[bit / 32] |= 1 << (bit % 32);
            }
            // The last three words (a pattern that needs SHINGLE == 3).
            let [_, second, third] = last;
            last = [second, third, h];
            n += 1;
            if n >= SHINGLE {
                minhash.add(splitmix(
                    last[0] ^ last[1].rotate_left(21) ^ last[2].rotate_left(42),
                ));
            }
        });
        if n < MIN_WORDS {
            return None;
        }
        Some(Signature {
            minhash: minhash.finish().map(|m| m as u8),
            numbers,
            words: u32::try_from(n).unwrap_or(u32::MAX),
        })
    }

    /// The LSH band keys: two bodies sharing one are candidates. A key is
    /// its band's number followed by the band's values, a byte each
    /// (`band << 24 | v0 << 16 | v1 << 8 | v2`), so equal values in
    /// different bands do not meet and keys are equal exactly when bands
    /// are. Keys under 2^26 share their leading bytes in the term
    /// dictionary: an xxh3 hash of the same bytes (schema 6 and before)
    /// told no more apart but spread the keys over 64 bits, and building
    /// the dictionary of those random keys was 78 M of the 339 M
    /// instructions fingerprints cost indexing 4,000 Reuters articles.
    pub fn bands(&self) -> [u64; BANDS] {
        std::array::from_fn(|band| {
            self.minhash[band * ROWS..(band + 1) * ROWS]
                .iter()
                .fold(band as u64, |key, &v| key << 8 | u64::from(v))
        })
    }

    /// The signature as [`VALUES`] numbers for a multi-valued field:
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

    /// The signature back from [`Signature::to_values`]; `None` unless
    /// every position is there.
    pub fn from_values(values: impl Iterator<Item = u64>) -> Option<Signature> {
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
        Some(Signature {
            minhash,
            numbers: std::array::from_fn(|i| word(HASHES + 4 * i)),
            words: word(BYTES - 4),
        })
    }

    /// How many of the two MinHashes' values are equal.
    fn equal_values(&self, other: &Signature) -> usize {
        self.minhash
            .iter()
            .zip(&other.minhash)
            .filter(|(a, b)| a == b)
            .count()
    }

    /// The estimated Jaccard similarity of the two bodies' shingle sets.
    pub fn similarity(&self, other: &Signature) -> f32 {
        let equal = self.equal_values(other) as f32 / HASHES as f32;
        ((equal - CHANCE) / (1.0 - CHANCE)).max(0.0)
    }

    /// The estimated Jaccard similarity of the two bodies' number sets (1
    /// when neither quotes a number).
    pub fn numbers_similarity(&self, other: &Signature) -> f32 {
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
    pub fn near_duplicate(&self, other: &Signature) -> bool {
        if self.words.min(other.words) < SHORT_WORDS {
            return self.equal_values(other) == HASHES && self.numbers == other.numbers;
        }
        self.similarity(other) >= THRESHOLD && self.numbers_similarity(other) >= NUMBERS_THRESHOLD
    }
}

/// FNV-1a, the word hash: a byte at a time, so that a word is hashed as it
/// is read, lower-cased, without being copied.
const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

fn fnv(h: u64, byte: u8) -> u64 {
    (h ^ u64::from(byte)).wrapping_mul(FNV_PRIME)
}

/// What a byte is to [`word_hashes`], by table (one load a byte).
const OTHER: u8 = 0;
const LETTER: u8 = 1;
const DIGIT: u8 = 2;
const NOT_ASCII: u8 = 3;
static CLASS: [u8; 256] = {
    let mut t = [NOT_ASCII; 256];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        t[b] = if c.is_ascii_alphabetic() {
            LETTER
        } else if c.is_ascii_digit() {
            DIGIT
        } else {
            OTHER
        };
        b += 1;
    }
    t
};

/// The hashes of the words of `text`, lower-cased, each with whether it
/// holds a digit. A word is a run of letters and digits; `.`, `,`, `/` and
/// `-` between two digits stay inside it, so `6-3/16`, `1,250.5` and `0.25`
/// are one number each and `0.25` differs from `0.50`.
///
/// ASCII letters and digits, nearly all of a news text, take a tight loop
/// of their own; the rest of the rules apply only at the bytes they concern.
fn word_hashes(text: &str, mut f: impl FnMut(u64, bool)) {
    let bytes = text.as_bytes();
    let n = bytes.len();
    let mut i = 0;
    while i < n {
        let b = bytes[i];
        if b.is_ascii() {
            if CLASS[usize::from(b)] == OTHER {
                i += 1;
                continue;
            }
        } else {
            let Some(c) = text.get(i..).and_then(|rest| rest.chars().next()) else {
                return;
            };
            if !c.is_alphanumeric() {
                i += c.len_utf8();
                continue;
            }
        }
        // A word starts at `i`.
        let (mut h, mut has_digit, mut last_digit) = (FNV_OFFSET, false, false);
        while i < n {
            // Letters, most of a word, in a loop of their own.
            if CLASS[usize::from(bytes[i])] == LETTER {
                while i < n && CLASS[usize::from(bytes[i])] == LETTER {
                    h = fnv(h, bytes[i] | 0x20);
                    i += 1;
                }
                last_digit = false;
                continue;
            }
            let b = bytes[i];
            let class = CLASS[usize::from(b)];
            if class == DIGIT {
                h = fnv(h, b);
                (last_digit, has_digit) = (true, true);
                i += 1;
            } else if class == OTHER {
                if last_digit
                    && matches!(b, b'.' | b',' | b'/' | b'-')
                    && bytes.get(i + 1).is_some_and(u8::is_ascii_digit)
                {
                    h = fnv(h, b);
                    last_digit = false;
                    i += 1;
                } else {
                    break;
                }
            } else {
                let Some(c) = text.get(i..).and_then(|rest| rest.chars().next()) else {
                    break;
                };
                i += c.len_utf8();
                if !c.is_alphanumeric() {
                    break;
                }
                let mut buf = [0u8; 4];
                for l in c.to_lowercase() {
                    h = l.encode_utf8(&mut buf).bytes().fold(h, fnv);
                }
                last_digit = false;
            }
        }
        f(h, has_digit);
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

    fn sig(text: &str) -> Signature {
        Signature::of(text).unwrap()
    }

    /// The word hashes as builds before the word loop computed them, a
    /// byte at a time: the reference that [`word_hashes`] must agree with.
    fn reference_word_hashes(text: &str, mut f: impl FnMut(u64, bool)) {
        let bytes = text.as_bytes();
        let (mut h, mut len, mut has_digit, mut last_digit) = (FNV_OFFSET, 0usize, false, false);
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            let alnum = if b.is_ascii() {
                i += 1;
                if b.is_ascii_alphanumeric() {
                    h = fnv(h, b.to_ascii_lowercase());
                    last_digit = b.is_ascii_digit();
                    has_digit |= last_digit;
                    true
                } else if matches!(b, b'.' | b',' | b'/' | b'-')
                    && last_digit
                    && bytes.get(i).is_some_and(u8::is_ascii_digit)
                {
                    h = fnv(h, b);
                    last_digit = false;
                    true
                } else {
                    false
                }
            } else {
                let Some(c) = text.get(i..).and_then(|rest| rest.chars().next()) else {
                    break;
                };
                i += c.len_utf8();
                let alnum = c.is_alphanumeric();
                if alnum {
                    let mut buf = [0u8; 4];
                    for l in c.to_lowercase() {
                        h = l.encode_utf8(&mut buf).bytes().fold(h, fnv);
                    }
                    last_digit = false;
                }
                alnum
            };
            if alnum {
                len += 1;
            } else if len > 0 {
                f(h, has_digit);
                (h, len, has_digit, last_digit) = (FNV_OFFSET, 0, false, false);
            }
        }
        if len > 0 {
            f(h, has_digit);
        }
    }

    proptest::proptest! {
        /// The word loop gives the hashes of the byte-by-byte reference, in
        /// any text: every signature stored by an earlier build stays
        /// comparable.
        #[test]
        fn word_hashes_agree_with_the_reference(text in "([a-zA-Z]{1,8}|[0-9]{1,4}|[.,/\\- ]{1,2}|[ÉéßÆ東①٣’\u{2010}]{1,2}|.){0,40}") {
            let mut fast = Vec::new();
            word_hashes(&text, |h, n| fast.push((h, n)));
            let mut slow = Vec::new();
            reference_word_hashes(&text, |h, n| slow.push((h, n)));
            proptest::prop_assert_eq!(fast, slow);
        }
    }

    fn words_of(text: &str) -> Vec<(u64, bool)> {
        let mut v = Vec::new();
        word_hashes(text, |h, n| v.push((h, n)));
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
        let hash = |w: &str| w.bytes().fold(FNV_OFFSET, fnv);
        assert_eq!(got, want.map(|(w, n)| (hash(w), n)).to_vec());
        // Lower-cased, whatever the script.
        assert_eq!(words_of("ÉTÉ été"), [(hash("été"), false); 2]);
    }

    #[test]
    fn same_text_same_fingerprint_whatever_the_layout() {
        let a = sig(STORY);
        let reflowed = STORY.replace(", ", ",\n    ").to_uppercase();
        let b = sig(&reflowed);
        assert_eq!(a, b);
        assert!(a.near_duplicate(&b));
    }

    #[test]
    fn a_corrected_copy_is_a_near_duplicate() {
        let a = sig(STORY);
        let corrected = STORY.replace("Exporters said", "Exporters and importers said");
        let b = sig(&corrected);
        let s = a.similarity(&b);
        assert!((THRESHOLD..1.0).contains(&s), "{s}");
        assert!(a.near_duplicate(&b));
        assert!(a.bands().iter().any(|k| b.bands().contains(k)));
    }

    #[test]
    fn another_story_is_not() {
        let a = sig(STORY);
        let other = "Floods closed the coastal road between the two ports for a \
            second day, and the ferry company said it would add sailings until \
            the water went down; farmers in the valley counted their losses.";
        let b = sig(other);
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
        let a = sig(&day("1.5", "6-3/16"));
        let b = sig(&day("2.5", "6-1/16"));
        assert!(a.numbers_similarity(&b) < NUMBERS_THRESHOLD);
        assert!(!a.near_duplicate(&b));
        let again = sig(&day("1.5", "6-3/16"));
        assert!(a.near_duplicate(&again));
    }

    /// Two fund dividend notices like Reuters-21578's 690 and 702, the same
    /// words but for the fund's name, its last word.
    #[test]
    fn short_bodies_fold_only_when_their_words_agree() {
        let notice = |fund: &str| {
            format!(
                "Mthly div 7.1 cts vs 7.1 cts prior Pay March 31 Record March 16 \
                 The fund said the income was earned from tax exempt bonds held \
                 through the year NOTE: Franklin Insured Tax-Free Income {fund}"
            )
        };
        let a = sig(&notice("Fund."));
        let b = sig(&notice("Trust."));
        assert!(a.words < SHORT_WORDS);
        assert!(a.similarity(&b) >= THRESHOLD, "{}", a.similarity(&b));
        assert!(!a.near_duplicate(&b));
        let again = sig(&notice("Fund.").replace("  ", " "));
        assert!(a.near_duplicate(&again));
    }

    #[test]
    fn short_bodies_have_none() {
        assert_eq!(Signature::of("Qtly div 20 cts vs 20 cts prior"), None);
        assert_eq!(Signature::of(""), None);
    }

    #[test]
    fn values_round_trip_in_any_order() {
        let a = sig(STORY);
        let mut v: Vec<u64> = a.to_values().collect();
        assert_eq!(v.len(), VALUES);
        v.sort_by_key(|x| *x as u32);
        assert!(v.iter().all(|x| *x >> 56 < VALUES as u64));
        assert_eq!(Signature::from_values(v.iter().copied()), Some(a));
        v.pop();
        assert_eq!(Signature::from_values(v.into_iter()), None);
    }

    /// The hash functions are part of the index format: a change would make
    /// old fingerprints incomparable with new ones without a schema bump.
    #[test]
    fn hash_functions_are_fixed() {
        let f = sig(STORY);
        assert_eq!(f.minhash[..4], [164, 113, 66, 33]);
        assert_eq!(f.bands()[0], 0x00a4_7142);
        assert_eq!(f.bands()[1] >> 24, 1);
        let n = sig(&format!("{STORY} It cost 12.5 mln dlrs."));
        assert_eq!(n.numbers.iter().map(|w| w.count_ones()).sum::<u32>(), 1);
    }
}
