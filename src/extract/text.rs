//! Word-level helpers over article text for extraction: boundaries, the
//! token before or after a byte offset (with its punctuation peeled off), and
//! what looks like a word of a person's name. Works on borrowed slices; never
//! allocates.

/// Is `c` part of a word for boundary purposes?
pub fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
}

pub fn char_before(text: &str, i: usize) -> Option<char> {
    text.get(..i).and_then(|s| s.chars().next_back())
}

pub fn char_after(text: &str, i: usize) -> Option<char> {
    text.get(i..).and_then(|s| s.chars().next())
}

/// A whitespace-delimited token with its punctuation peeled off.
#[derive(Clone, Copy, Debug)]
pub struct Tok<'a> {
    /// Start and end of the raw token (punctuation included).
    pub raw_start: usize,
    pub raw_end: usize,
    /// Start of the core (the word itself).
    pub start: usize,
    pub word: &'a str,
    /// Punctuation before the word ("(", "“", ",").
    pub lead_punct: bool,
    /// Punctuation after the word that ends a phrase (",", ".", ")").
    pub stop: bool,
    /// Ends with "'s"/"’s".
    pub possessive: bool,
    /// The period after it ends a sentence.
    pub sentence_end: bool,
}

impl Tok<'_> {
    pub fn end(&self) -> usize {
        self.start + self.word.len()
    }
    pub fn is_capitalized(&self) -> bool {
        self.word.chars().next().is_some_and(char::is_uppercase)
    }
}

const OPENERS: &[char] = &['(', '[', '"', '“', '‘', '\'', '«', '—', '–', '-'];
const CLOSERS: &[char] = &[
    ',', ';', ':', '!', '?', ')', ']', '"', '”', '’', '\'', '»', '—', '–',
];

/// Peel punctuation off the raw token `text[rs..re]`.
pub fn make_tok(text: &str, rs: usize, re: usize) -> Tok<'_> {
    let raw = &text[rs..re];
    let core_start = raw.trim_start_matches(OPENERS);
    let lead = raw.len() - core_start.len();
    let mut core = core_start;
    let mut stop = false;
    let mut possessive = false;
    let mut sentence_end = false;
    loop {
        if let Some(c) = core.strip_suffix("'s").or_else(|| core.strip_suffix("’s")) {
            core = c;
            possessive = true;
            continue;
        }
        if let Some(c) = core.strip_suffix(CLOSERS) {
            core = c;
            stop = true;
            continue;
        }
        if let Some(c) = core.strip_suffix('.') {
            // "S.M." and "A." are initials; "Kan." ends a sentence.
            let last = c.rsplit('.').next().unwrap_or(c);
            if last.chars().count() == 1 && last.chars().all(char::is_uppercase) {
                break;
            }
            core = c;
            stop = true;
            sentence_end = true;
            continue;
        }
        break;
    }
    Tok {
        raw_start: rs,
        raw_end: re,
        start: rs + lead,
        word: core,
        lead_punct: lead > 0,
        stop,
        possessive,
        sentence_end,
    }
}

/// The token starting at or after `pos`, unless a paragraph break comes first.
pub fn token_after(text: &str, pos: usize) -> Option<Tok<'_>> {
    let rest = text.get(pos..)?;
    let trimmed = rest.trim_start();
    let gap = &rest[..rest.len() - trimmed.len()];
    if gap.matches('\n').count() > 1 || trimmed.is_empty() {
        return None;
    }
    let rs = pos + gap.len();
    let len = trimmed
        .find(|c: char| c.is_whitespace())
        .unwrap_or(trimmed.len());
    Some(make_tok(text, rs, rs + len))
}

/// The token ending at or before `pos`, unless a paragraph break comes first.
pub fn token_before(text: &str, pos: usize) -> Option<Tok<'_>> {
    let head = text.get(..pos)?;
    let trimmed = head.trim_end();
    let gap = &head[trimmed.len()..];
    if gap.matches('\n').count() > 1 || trimmed.is_empty() {
        return None;
    }
    let re = trimmed.len();
    let rs = trimmed
        .rfind(|c: char| c.is_whitespace())
        .map(|i| i + trimmed[i..].chars().next().map_or(1, char::len_utf8))
        .unwrap_or(0);
    Some(make_tok(text, rs, re))
}

/// Capitalised words that begin sentences or clauses but are not names.
const NOT_NAMES: &[&str] = &[
    "The",
    "A",
    "An",
    "In",
    "On",
    "At",
    "By",
    "To",
    "Of",
    "For",
    "From",
    "With",
    "And",
    "But",
    "Or",
    "Nor",
    "So",
    "As",
    "If",
    "He",
    "She",
    "It",
    "They",
    "We",
    "I",
    "You",
    "His",
    "Her",
    "Its",
    "Their",
    "Our",
    "This",
    "That",
    "These",
    "Those",
    "There",
    "Here",
    "Then",
    "When",
    "While",
    "After",
    "Before",
    "During",
    "Since",
    "Until",
    "Also",
    "But",
    "Yet",
    "Both",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
    "January",
    "February",
    "March",
    "April",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
    "Exchequer",
    "Minister",
    "Ministers",
    "Ministry",
    "Secretary",
    "Premier",
    "Treasurer",
    "Chancellor",
    "President",
    "Government",
    "Parliament",
    "Congress",
    "Cabinet",
    "Party",
    "League",
    "Reuters",
    "Yesterday",
    "Today",
    "Tomorrow",
    "Last",
    "Next",
    "New",
    "Former",
    "Acting",
    "Deputy",
    "Vice",
    "Shadow",
    "Foreign",
    "Finance",
    "Defence",
    "Defense",
    "Trade",
    "Prime",
    "State",
    "Senate",
    "House",
    "Committee",
    "Agency",
    "Bank",
    "Council",
    "Union",
    "Association",
    "Corporation",
    "Company",
    "Group",
    "Inc",
    "Ltd",
    "Co",
    "Corp",
    "Said",
    "Says",
    "Asked",
    "Told",
    "However",
    "Meanwhile",
    "Although",
    "Though",
    "Despite",
    "According",
    "Under",
    "Over",
    "Between",
    "Among",
    "Against",
    "Without",
    "Within",
    "Who",
    "What",
    "Which",
    "Where",
    "Why",
    "How",
    "All",
    "Some",
    "Many",
    "Most",
    "Other",
    "Such",
    "No",
    "Not",
    "Now",
    "Only",
    "Even",
    "Still",
    "Already",
    "Asked",
    "Speaking",
    "Earlier",
    "Later",
    "Opposition",
    "Labour",
    "Tory",
    "Tories",
    "Conservative",
    "Conservatives",
    "Democrat",
    "Democrats",
    "Republican",
    "Republicans",
    "Liberal",
    "Ministerial",
];

/// Could this token be part of a person's name? (Capitalised, not a
/// function word, title or month; not a shouted all-caps word unless it is a
/// run of initials like "S.M.".)
pub fn is_name_word(word: &str) -> bool {
    let mut chars = word.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    // Arabic names: "al-Sabah", "el-Sisi".
    if let Some(rest) = word
        .strip_prefix("al-")
        .or_else(|| word.strip_prefix("el-"))
    {
        return rest.chars().next().is_some_and(char::is_uppercase) && is_name_word(rest);
    }
    if !first.is_uppercase() {
        return false;
    }
    if NOT_NAMES.contains(&word) {
        return false;
    }
    if word.contains('.') {
        // Initials: every segment one letter.
        return word
            .split('.')
            .filter(|s| !s.is_empty())
            .all(|s| s.chars().count() == 1 && s.chars().all(char::is_uppercase));
    }
    if !word
        .chars()
        .all(|c| c.is_alphabetic() || c == '-' || c == '\'' || c == '’')
    {
        return false;
    }
    // All caps ("SAYS", "JAPAN") only in headlines; names there are unknown.
    word.chars().count() == 1 || word.chars().any(char::is_lowercase)
}

/// Lowercase particles inside names ("Maria das Graças Foster").
pub fn is_name_particle(word: &str) -> bool {
    matches!(
        word,
        "de" | "da"
            | "das"
            | "do"
            | "dos"
            | "van"
            | "von"
            | "der"
            | "den"
            | "bin"
            | "al"
            | "el"
            | "la"
            | "le"
            | "di"
            | "du"
            | "ter"
            | "ibn"
    )
}

/// Does a sentence (or the text) end right before this token?
pub fn sentence_starts_at(text: &str, tok: &Tok<'_>) -> bool {
    match token_before(text, tok.raw_start) {
        None => true,
        Some(prev) => {
            prev.sentence_end
                || prev.word.is_empty()
                || text[prev.raw_end..tok.raw_start].contains("\n\n")
                || prev.word.ends_with(['!', '?'])
                || text[prev.start..prev.raw_end].ends_with([':', '!', '?', '"', '”'])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_peel_punctuation() {
        let t = "said Koichiro Gemba, Japan’s foreign minister. S.M. Krishna (Antony’s) Kan.";
        let cases = [
            (5, "Koichiro", false, false),
            (14, "Gemba", true, false),
            (21, "Japan", false, true),
        ];
        for (pos, word, stop, poss) in cases {
            let tok = token_after(t, pos).expect("token");
            assert_eq!(
                (tok.word, tok.stop, tok.possessive),
                (word, stop, poss),
                "{pos}"
            );
        }
        let i = t.find("S.M.").unwrap_or(0);
        let tok = token_after(t, i).expect("token");
        assert_eq!((tok.word, tok.stop), ("S.M.", false));
        let tok = token_before(t, t.len()).expect("token");
        assert_eq!((tok.word, tok.sentence_end), ("Kan", true));
        let i = t.find("(Antony").unwrap_or(0);
        let tok = token_after(t, i).expect("token");
        assert_eq!(
            (tok.word, tok.possessive, tok.lead_punct),
            ("Antony", true, true)
        );
    }

    #[test]
    fn paragraph_breaks_stop_tokens() {
        assert!(token_after("Minister\n\nGemba", 8).is_none());
        assert!(token_after("Minister\nGemba", 8).is_some());
        assert!(token_before("Gemba\n\nsaid", 7).is_none());
    }

    #[test]
    fn name_words() {
        for (w, ok) in [
            ("Gemba", true),
            ("S.M.", true),
            ("Sung-hwan", true),
            ("Röttgen", true),
            ("SAYS", false),
            ("said", false),
            ("The", false),
            ("Minister", false),
            ("2010", false),
        ] {
            assert_eq!(is_name_word(w), ok, "{w}");
        }
    }
}
