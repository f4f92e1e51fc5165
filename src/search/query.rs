//! The query language: text → [`Node`] tree, with errors that point at a
//! column. Pure: no tantivy, no index. Field names are checked against the
//! document model (`schema/news.toml`); `country:` values are resolved to ISO
//! codes here, so an unknown country is a query error like any other.
//!
//! Grammar (precedence low to high: OR, AND, NOT/-/+):
//! ```text
//! query   := or
//! or      := and (("OR" | <juxtaposition when default is OR>) and)*
//! and     := unary (("AND" | <juxtaposition when default is AND>) unary)*
//! unary   := ("NOT" | "-" | "+") unary | primary
//! primary := "(" or ")" | field ":" (word | "phrase" | "(" or ")") | word | "phrase"
//! word    := text | text "~" [0-2] | text "*" | "*"
//! ```

use super::DefaultOperator;
use crate::index::schema::names;
use crate::model::Model;
use chrono::{Datelike, NaiveDate};
use std::fmt;

/// A parsed query.
#[derive(Clone, Debug, PartialEq)]
pub enum Node {
    Leaf(Leaf),
    /// `date:2011`, `date:2011-03`, `date:2011-03-14`: inclusive days.
    Date(NaiveDate, NaiveDate),
    And(Vec<Node>),
    /// In an `Or`, children under [`Node::Not`] exclude and children under
    /// [`Node::Must`] are required (as in Lucene: `a b -c +d`).
    Or(Vec<Node>),
    Not(Box<Node>),
    Must(Box<Node>),
    /// `*`: every document.
    All,
}

/// One word, phrase or pattern, on one field or on the default fields.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Leaf {
    /// A field of the model (aliases already resolved); `None` = the default
    /// fields with their boosts.
    pub field: Option<String>,
    pub kind: LeafKind,
    /// As typed (for `country:`, the resolved ISO code).
    pub text: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LeafKind {
    Word,
    Phrase,
    /// Edit distance 0–2.
    Fuzzy(u8),
    Prefix,
}

/// A query the parser refused, with the column (1-based, in characters)
/// where the problem is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueryError {
    pub column: usize,
    pub message: String,
    /// What to do about it, printed under the caret.
    pub hint: Option<String>,
    pub query: String,
}

impl fmt::Display for QueryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The caret below counts columns on one line. Control characters are
        // made safe with the whole error chain where it is printed.
        let shown: String = self
            .query
            .chars()
            .map(|c| if c == '\n' { ' ' } else { c })
            .collect();
        write!(
            f,
            "invalid query: {} at column {}\n  {}\n  {}^",
            self.message,
            self.column,
            shown,
            " ".repeat(self.column.saturating_sub(1))
        )?;
        match &self.hint {
            Some(h) => write!(f, "\n{h}"),
            None => Ok(()),
        }
    }
}

impl std::error::Error for QueryError {}

/// Aliases a user may put before a colon, besides the model's field names.
const ALIASES: [&str; 3] = ["country", "minister", "date"];

/// Every name accepted before a colon, for error messages and completion.
pub fn field_names() -> Vec<String> {
    let mut names: Vec<String> = Model::get()
        .searchable_names()
        .into_iter()
        .filter(|n| *n != names::DATE)
        .map(str::to_string)
        .collect();
    names.extend(ALIASES.iter().map(|s| s.to_string()));
    names
}

/// The longest query accepted, in characters, and the most words and
/// phrases in one. Every term is looked up in every field and highlighted in
/// every hit, so a query of 100,000 characters cost seconds and hundreds of
/// megabytes; no one types more than a few dozen words.
pub const MAX_QUERY_CHARS: usize = 1000;
pub const MAX_QUERY_TERMS: usize = 64;

/// Parse `input` with `op` between bare terms.
pub fn parse(input: &str, op: DefaultOperator) -> Result<Node, QueryError> {
    if let Some((at, _)) = input.char_indices().nth(MAX_QUERY_CHARS) {
        return Err(QueryError {
            column: MAX_QUERY_CHARS + 1,
            message: format!("the query is longer than {MAX_QUERY_CHARS} characters"),
            hint: Some("search for fewer words".into()),
            query: input[..at].to_string(),
        });
    }
    let tokens = lex(input)?;
    for t in &tokens {
        if let Tok::Word(w) | Tok::Phrase(w) = &t.tok
            && let Some(long) = w
                .split(|c: char| !c.is_alphanumeric())
                .find(|run| run.len() >= crate::index::stem_cache::MAX_WORD_BYTES)
        {
            return Err(QueryError {
                column: t.col,
                message: format!(
                    "a word of {} characters; words of {} bytes or more are not indexed, so it can match nothing",
                    long.chars().count(),
                    crate::index::stem_cache::MAX_WORD_BYTES
                ),
                hint: Some("search for a shorter part of it with a trailing `*`".into()),
                query: input.to_string(),
            });
        }
    }
    if let Some(t) = tokens
        .iter()
        .filter(|t| matches!(t.tok, Tok::Word(_) | Tok::Phrase(_)))
        .nth(MAX_QUERY_TERMS)
    {
        return Err(QueryError {
            column: t.col,
            message: format!("the query has more than {MAX_QUERY_TERMS} words and phrases"),
            hint: Some("search for fewer words".into()),
            query: input.to_string(),
        });
    }
    let mut p = Parser {
        input,
        tokens,
        pos: 0,
        op,
        depth: 0,
    };
    if p.tokens.is_empty() {
        return Err(p.err(
            1,
            "the query is empty: give words to search for (or `*` for every article)",
        ));
    }
    let node = p.or(None)?;
    if let Some(t) = p.tokens.get(p.pos) {
        let msg = match t.tok {
            Tok::RParen => "unmatched ')'".to_string(),
            _ => format!("unexpected {}", t.tok.describe()),
        };
        return Err(p.err(t.col, msg));
    }
    Ok(without_stop_words(node))
}

/// English function words (Lucene's list and the Snowball stop list,
/// without "us", which news writes for the country).
#[rustfmt::skip]
pub const STOP_WORDS: &[&str] = &[
    "a", "about", "above", "after", "again", "against", "all", "am", "an", "and", "any", "are",
    "as", "at", "be", "because", "been", "before", "being", "below", "between", "both", "but", "by",
    "can", "could", "did", "do", "does", "doing", "down", "during", "each", "few", "for", "from",
    "further", "had", "has", "have", "having", "he", "her", "here", "hers", "herself", "him",
    "himself", "his", "how", "i", "if", "in", "into", "is", "it", "its", "itself", "just", "me",
    "more", "most", "my", "myself", "no", "nor", "not", "now", "of", "off", "on", "once", "only",
    "or", "other", "ought", "our", "ours", "ourselves", "out", "over", "own", "same", "she",
    "should", "so", "some", "such", "than", "that", "the", "their", "theirs", "them", "themselves",
    "then", "there", "these", "they", "this", "those", "through", "to", "too", "under", "until",
    "up", "very", "was", "we", "were", "what", "when", "where", "which", "while", "who", "whom",
    "why", "will", "with", "would", "you", "your", "yours", "yourself", "yourselves",
];

/// Whether `word` (as typed) is a function word.
pub fn is_stop_word(word: &str) -> bool {
    STOP_WORDS.contains(&word.to_lowercase().as_str())
}

/// A bare word that is a function word: left out of a group of
/// alternatives that has other words.
fn is_stop_leaf(n: &Node) -> bool {
    matches!(n, Node::Leaf(l) if l.field.is_none() && l.kind == LeafKind::Word && is_stop_word(&l.text))
}

/// `node` with the function words of its alternatives left out: a
/// natural-language question searched with OR (`how are oil prices hurting
/// the economy`) is about its other words, and "how" or "the" would only
/// add articles that share them. A group of nothing but function words, or
/// whose other members only exclude, keeps them. A group of words that must
/// all match (AND) keeps its function words.
fn without_stop_words(node: Node) -> Node {
    match node {
        Node::Or(children) => {
            let children: Vec<Node> = children.into_iter().map(without_stop_words).collect();
            if children
                .iter()
                .any(|c| !is_stop_leaf(c) && !matches!(c, Node::Not(_)))
            {
                Node::Or(children.into_iter().filter(|c| !is_stop_leaf(c)).collect())
            } else {
                Node::Or(children)
            }
        }
        Node::And(children) => Node::And(children.into_iter().map(without_stop_words).collect()),
        Node::Not(c) => Node::Not(Box::new(without_stop_words(*c))),
        Node::Must(c) => Node::Must(Box::new(without_stop_words(*c))),
        other => other,
    }
}

/// Resolve a country as the user wrote it (name, code, adjective) to its ISO
/// code, or say it is unknown.
pub fn resolve_country(value: &str) -> Result<String, String> {
    crate::extract::country_code(value).ok_or_else(|| {
        let spellings: Vec<_> = crate::extract::country_spellings().collect();
        match super::suggest::closest(value, spellings.iter().map(|(s, _)| *s)) {
            Some(s) => {
                let name = spellings
                    .iter()
                    .find(|(x, _)| *x == s)
                    .map_or(s, |(_, n)| *n);
                format!("unknown country '{value}'; did you mean {name}?")
            }
            None => format!("unknown country '{value}'"),
        }
    })
}

/// How to write a country, for errors about one.
pub const COUNTRY_HINT: &str =
    "give a country by name (japan, \"United States\"), ISO code (JP) or adjective (japanese)";

#[derive(Clone, Debug, PartialEq, Eq)]
enum Tok {
    Word(String),
    Phrase(String),
    Field(String),
    LParen,
    RParen,
    And,
    Or,
    Not,
    Plus,
    Minus,
}

impl Tok {
    fn describe(&self) -> String {
        match self {
            Tok::Word(w) => format!("'{w}'"),
            Tok::Phrase(p) => format!("\"{p}\""),
            Tok::Field(f) => format!("'{f}:'"),
            Tok::LParen => "'('".into(),
            Tok::RParen => "')'".into(),
            Tok::And => "AND".into(),
            Tok::Or => "OR".into(),
            Tok::Not => "NOT".into(),
            Tok::Plus => "'+'".into(),
            Tok::Minus => "'-'".into(),
        }
    }

    fn starts_clause(&self) -> bool {
        matches!(
            self,
            Tok::Word(_)
                | Tok::Phrase(_)
                | Tok::Field(_)
                | Tok::LParen
                | Tok::Not
                | Tok::Plus
                | Tok::Minus
        )
    }
}

#[derive(Clone, Debug)]
struct Token {
    tok: Tok,
    /// 1-based character column.
    col: usize,
}

fn lex(input: &str) -> Result<Vec<Token>, QueryError> {
    let chars: Vec<char> = input.chars().collect();
    let err = |col: usize, message: String| QueryError {
        column: col,
        message,
        hint: None,
        query: input.to_string(),
    };
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let col = i + 1;
        let sign = chars
            .get(i + 1)
            .is_some_and(|n| !n.is_whitespace() && *n != ')');
        let single = match c {
            '(' => Some(Tok::LParen),
            ')' => Some(Tok::RParen),
            '+' if sign => Some(Tok::Plus),
            '-' if sign => Some(Tok::Minus),
            _ => None,
        };
        if c.is_whitespace() {
            i += 1;
        } else if let Some(tok) = single {
            out.push(Token { tok, col });
            i += 1;
        } else if c == '"' {
            let (text, len) = phrase(&chars[i + 1..]).map_err(|m| err(col, m.into()))?;
            out.push(Token {
                tok: Tok::Phrase(text),
                col,
            });
            i += len + 2;
        } else {
            let start = i;
            while i < chars.len()
                && !chars[i].is_whitespace()
                && !matches!(chars[i], '(' | ')' | '"')
            {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            word_tokens(&word, col, chars.get(i).copied(), &mut out).map_err(|m| err(col, m))?;
        }
    }
    Ok(out)
}

/// The text of a phrase whose opening quote is just before `rest`, and its
/// length in characters (without the quotes).
fn phrase(rest: &[char]) -> Result<(String, usize), &'static str> {
    let len = rest
        .iter()
        .position(|&c| c == '"')
        .ok_or("unclosed quote")?;
    let text: String = rest[..len].iter().collect();
    if text.trim().is_empty() {
        return Err("empty phrase");
    }
    Ok((text, len))
}

/// The tokens of an unquoted word at column `col`: an operator, a field
/// name and what follows its colon, or a word. `next` is the character
/// after the word.
fn word_tokens(
    word: &str,
    col: usize,
    next: Option<char>,
    out: &mut Vec<Token>,
) -> Result<(), String> {
    let operator = match word {
        "AND" => Some(Tok::And),
        "OR" => Some(Tok::Or),
        "NOT" => Some(Tok::Not),
        _ => None,
    };
    if let Some(tok) = operator {
        out.push(Token { tok, col });
        return Ok(());
    }
    let Some((name, rest)) = field_split(word) else {
        out.push(Token {
            tok: Tok::Word(word.to_string()),
            col,
        });
        return Ok(());
    };
    out.push(Token {
        tok: Tok::Field(name.to_string()),
        col,
    });
    if !rest.is_empty() {
        out.push(Token {
            tok: Tok::Word(rest.to_string()),
            col: col + name.chars().count() + 1,
        });
    } else if next.is_none_or(|c| c.is_whitespace() || c == ')') {
        return Err(format!(
            "nothing after '{name}:' (write {name}:word, {name}:\"a phrase\" or {name}:(…))"
        ));
    }
    Ok(())
}

/// `name:rest` when `name` looks like a field name (letters and `_`).
fn field_split(word: &str) -> Option<(&str, &str)> {
    let (name, rest) = word.split_once(':')?;
    let ok = !name.is_empty() && name.chars().all(|c| c.is_ascii_alphabetic() || c == '_');
    ok.then_some((name, rest))
}

struct Parser<'a> {
    input: &'a str,
    tokens: Vec<Token>,
    pos: usize,
    op: DefaultOperator,
    /// Nesting of parentheses and prefixes, bounded so that a hostile query
    /// cannot overflow the stack.
    depth: usize,
}

/// Deepest nesting of `(`, NOT, `-` and `+` accepted.
const MAX_DEPTH: usize = 64;

/// The field a group applies to, and where it was named.
type FieldCtx<'a> = Option<(&'a str, usize)>;

impl Parser<'_> {
    fn err(&self, column: usize, message: impl Into<String>) -> QueryError {
        QueryError {
            column,
            message: message.into(),
            hint: None,
            query: self.input.to_string(),
        }
    }

    fn err_hint(&self, column: usize, message: impl Into<String>, hint: String) -> QueryError {
        QueryError {
            hint: Some(hint),
            ..self.err(column, message)
        }
    }

    fn peek(&self) -> Option<&Tok> {
        self.tokens.get(self.pos).map(|t| &t.tok)
    }

    /// Column just past the end of the input (for "nothing after …").
    fn end_col(&self) -> usize {
        self.input.chars().count() + 1
    }

    fn need_operand(&self, op_col: usize, op: &str) -> Result<(), QueryError> {
        match self.peek() {
            Some(t) if t.starts_clause() => Ok(()),
            _ => Err(self.err(op_col, format!("{op} has nothing after it"))),
        }
    }

    fn or(&mut self, field: FieldCtx) -> Result<Node, QueryError> {
        let mut items = vec![self.and(field)?];
        loop {
            match self.peek() {
                Some(Tok::Or) => {
                    let col = self.tokens[self.pos].col;
                    self.pos += 1;
                    self.need_operand(col, "OR")?;
                }
                Some(t) if self.op == DefaultOperator::Or && t.starts_clause() => {}
                _ => break,
            }
            items.push(self.and(field)?);
        }
        Ok(if items.len() == 1 {
            items.remove(0)
        } else {
            Node::Or(items)
        })
    }

    fn and(&mut self, field: FieldCtx) -> Result<Node, QueryError> {
        let mut items = vec![self.unary(field)?];
        loop {
            match self.peek() {
                Some(Tok::And) => {
                    let col = self.tokens[self.pos].col;
                    self.pos += 1;
                    self.need_operand(col, "AND")?;
                }
                Some(t) if self.op == DefaultOperator::And && t.starts_clause() => {}
                _ => break,
            }
            items.push(self.unary(field)?);
        }
        Ok(if items.len() == 1 {
            items.remove(0)
        } else {
            Node::And(items)
        })
    }

    fn unary(&mut self, field: FieldCtx) -> Result<Node, QueryError> {
        let Some(t) = self.tokens.get(self.pos).cloned() else {
            return Err(self.err(self.end_col(), "the query ends too early"));
        };
        if self.depth >= MAX_DEPTH {
            return Err(self.err(
                t.col,
                format!("the query nests more than {MAX_DEPTH} levels deep"),
            ));
        }
        self.depth += 1;
        let node = self.unary_inner(field, t);
        self.depth -= 1;
        node
    }

    fn unary_inner(&mut self, field: FieldCtx, t: Token) -> Result<Node, QueryError> {
        match t.tok {
            Tok::Not | Tok::Minus | Tok::Plus => {
                self.pos += 1;
                let name = if t.tok == Tok::Not { "NOT" } else { "'+'/'-'" };
                self.need_operand(t.col, name)?;
                let inner = self.unary(field)?;
                Ok(if t.tok == Tok::Plus {
                    Node::Must(Box::new(inner))
                } else {
                    Node::Not(Box::new(inner))
                })
            }
            _ => self.primary(field),
        }
    }

    fn primary(&mut self, field: FieldCtx) -> Result<Node, QueryError> {
        let Some(t) = self.tokens.get(self.pos).cloned() else {
            return Err(self.err(self.end_col(), "the query ends too early"));
        };
        self.pos += 1;
        match t.tok {
            Tok::LParen => {
                let inner = self.or(field)?;
                match self.peek() {
                    Some(Tok::RParen) => {
                        self.pos += 1;
                        Ok(inner)
                    }
                    _ => Err(self.err(t.col, "unclosed parenthesis")),
                }
            }
            Tok::Field(name) => {
                match self.peek() {
                    Some(Tok::Word(_) | Tok::Phrase(_) | Tok::LParen) => {}
                    _ => {
                        return Err(self.err(
                            t.col,
                            format!("'{name}:' must be followed by a word, a \"phrase\" or (…)"),
                        ));
                    }
                }
                // Checked here so that `foo:(…)` fails on the name, not inside.
                self.check_field(&name, t.col)?;
                self.primary(Some((&name, t.col)))
            }
            Tok::Word(w) => self.word(&w, t.col, field),
            Tok::Phrase(p) => self.leaf(field, LeafKind::Phrase, &p, t.col),
            Tok::RParen => Err(self.err(t.col, "unmatched ')'")),
            other => Err(self.err(
                t.col,
                format!("{} needs a word before it", other.describe()),
            )),
        }
    }

    fn check_field(&self, name: &str, col: usize) -> Result<(), QueryError> {
        if field_names().iter().any(|n| n == name) {
            Ok(())
        } else {
            Err(self.err_hint(
                col,
                format!("unknown field '{name}'"),
                format!("the fields are: {}", field_names().join(", ")),
            ))
        }
    }

    fn word(&self, w: &str, col: usize, field: FieldCtx) -> Result<Node, QueryError> {
        if w == "*" {
            return match field {
                None => Ok(Node::All),
                Some((name, _)) => Err(self.err(
                    col,
                    format!("'{name}:*' is not supported; use `*` alone for every article"),
                )),
            };
        }
        if let Some((text, dist)) = w.rsplit_once('~')
            && (dist.is_empty() || dist.chars().all(|c| c.is_ascii_digit()))
        {
            let d: u32 = if dist.is_empty() {
                1
            } else {
                dist.parse().unwrap_or(u32::MAX)
            };
            if d > 2 {
                return Err(self.err(
                    col + text.chars().count(),
                    format!("fuzzy distance {dist} is too large (use ~1 or ~2)"),
                ));
            }
            if text.is_empty() {
                return Err(self.err(col, "'~' needs a word before it"));
            }
            return self.leaf(field, LeafKind::Fuzzy(d as u8), text, col);
        }
        if let Some(text) = w.strip_suffix('*') {
            if text.is_empty() || text.ends_with('*') {
                return Err(self.err(col, "'*' needs a word before it"));
            }
            return self.leaf(field, LeafKind::Prefix, text, col);
        }
        self.leaf(field, LeafKind::Word, w, col)
    }

    fn leaf(
        &self,
        field: FieldCtx,
        kind: LeafKind,
        text: &str,
        col: usize,
    ) -> Result<Node, QueryError> {
        let Some((name, fcol)) = field else {
            return Ok(Node::Leaf(Leaf {
                field: None,
                kind,
                text: text.to_string(),
            }));
        };
        let leaf = |f: &str, text: &str| {
            Node::Leaf(Leaf {
                field: Some(f.to_string()),
                kind,
                text: text.to_string(),
            })
        };
        match name {
            "country" => {
                if !matches!(kind, LeafKind::Word | LeafKind::Phrase) {
                    return Err(self.err(col, "country: takes a name or a code, not a pattern"));
                }
                let code = resolve_country(text)
                    .map_err(|m| self.err_hint(col, m, COUNTRY_HINT.to_string()))?;
                Ok(Node::Leaf(Leaf {
                    field: Some(names::COUNTRY_CODES.into()),
                    kind: LeafKind::Word,
                    text: code,
                }))
            }
            "minister" => Ok(leaf(names::MINISTERS, text)),
            "date" => {
                if kind != LeafKind::Word {
                    return Err(self.err(col, "date: takes YYYY, YYYY-MM or YYYY-MM-DD"));
                }
                let (from, to) = date_span(text).ok_or_else(|| {
                    self.err(
                        col,
                        format!("'{text}' is not a date: write YYYY, YYYY-MM or YYYY-MM-DD"),
                    )
                })?;
                Ok(Node::Date(from, to))
            }
            _ => {
                self.check_field(name, fcol)?;
                Ok(leaf(name, text))
            }
        }
    }
}

/// The inclusive days of `2011`, `2011-03` or `2011-03-14`.
pub fn date_span(s: &str) -> Option<(NaiveDate, NaiveDate)> {
    let parts: Vec<&str> = s.split('-').collect();
    let num = |p: &str, len: usize| -> Option<u32> {
        (p.len() == len && p.bytes().all(|b| b.is_ascii_digit()))
            .then(|| p.parse().ok())
            .flatten()
    };
    match parts.as_slice() {
        [y] => {
            let y = num(y, 4)? as i32;
            Some((
                NaiveDate::from_ymd_opt(y, 1, 1)?,
                NaiveDate::from_ymd_opt(y, 12, 31)?,
            ))
        }
        [y, m] => {
            let (y, m) = (num(y, 4)? as i32, num(m, 2)?);
            let first = NaiveDate::from_ymd_opt(y, m, 1)?;
            let next = if m == 12 {
                NaiveDate::from_ymd_opt(y + 1, 1, 1)?
            } else {
                NaiveDate::from_ymd_opt(y, m + 1, 1)?
            };
            Some((first, next.pred_opt()?))
        }
        [y, m, d] => {
            let day = NaiveDate::from_ymd_opt(num(y, 4)? as i32, num(m, 2)?, num(d, 2)?)?;
            Some((day, day))
        }
        _ => None,
    }
}

/// A day given on the command line (`--since`, `--until`): YYYY-MM-DD, or
/// YYYY / YYYY-MM meaning its first (`since`) or last (`until`) day.
pub fn flag_date(s: &str, last: bool) -> Result<NaiveDate, String> {
    let (from, to) = date_span(s.trim())
        .ok_or_else(|| format!("'{s}' is not a date: write YYYY-MM-DD (or YYYY-MM, YYYY)"))?;
    let d = if last { to } else { from };
    debug_assert!(d.year() > 0);
    Ok(d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use DefaultOperator::{And, Or};

    fn w(t: &str) -> Node {
        Node::Leaf(Leaf {
            field: None,
            kind: LeafKind::Word,
            text: t.into(),
        })
    }
    fn fw(f: &str, t: &str) -> Node {
        Node::Leaf(Leaf {
            field: Some(f.into()),
            kind: LeafKind::Word,
            text: t.into(),
        })
    }
    fn ph(t: &str) -> Node {
        Node::Leaf(Leaf {
            field: None,
            kind: LeafKind::Phrase,
            text: t.into(),
        })
    }
    fn k(kind: LeafKind, t: &str) -> Node {
        Node::Leaf(Leaf {
            field: None,
            kind,
            text: t.into(),
        })
    }
    fn not(n: Node) -> Node {
        Node::Not(Box::new(n))
    }

    /// Issue 16: a 100k-character query took 9.7 s and 296 MB.
    #[test]
    fn long_queries_and_many_terms_are_refused_clearly() {
        let e = parse(&"word ".repeat(20_000), And).unwrap_err();
        assert!(e.message.contains("longer than 1000"), "{e}");
        assert_eq!(e.column, MAX_QUERY_CHARS + 1);
        let many: Vec<String> = (0..=MAX_QUERY_TERMS).map(|i| format!("w{i}")).collect();
        let e = parse(&many.join(" "), Or).unwrap_err();
        assert!(e.message.contains("more than 64 words"), "{e}");
        assert!(parse(&many[..MAX_QUERY_TERMS].join(" "), Or).is_ok());
        // Issue 16: a word too long to be indexed is an error, not no hits.
        let e = parse(&format!("tin {}", "x".repeat(900)), And).unwrap_err();
        assert!(e.message.contains("not indexed"), "{e}");
        assert_eq!(e.column, 5);
        assert!(parse("state-of-the-art-rare-earth-processing-facility", And).is_ok());
    }

    #[test]
    fn parses_the_grammar() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        let table: Vec<(&str, DefaultOperator, Node)> = vec![
            ("fukushima", And, w("fukushima")),
            ("rare earth", And, Node::And(vec![w("rare"), w("earth")])),
            ("rare earth", Or, Node::Or(vec![w("rare"), w("earth")])),
            ("\"rare earth\"", And, ph("rare earth")),
            ("c OR b", And, Node::Or(vec![w("c"), w("b")])),
            (
                "a b OR c",
                And,
                Node::Or(vec![Node::And(vec![w("a"), w("b")]), w("c")]),
            ),
            (
                "d b AND c",
                Or,
                Node::Or(vec![w("d"), Node::And(vec![w("b"), w("c")])]),
            ),
            (
                "a AND (b OR c)",
                And,
                Node::And(vec![w("a"), Node::Or(vec![w("b"), w("c")])]),
            ),
            ("a NOT b", And, Node::And(vec![w("a"), not(w("b"))])),
            ("a -b", And, Node::And(vec![w("a"), not(w("b"))])),
            (
                "+a b",
                Or,
                Node::Or(vec![Node::Must(Box::new(w("a"))), w("b")]),
            ),
            ("rare-earth", And, w("rare-earth")),
            ("title:fukushima", And, fw("title", "fukushima")),
            (
                "title:\"rare earth\"",
                And,
                Node::Leaf(Leaf {
                    field: Some("title".into()),
                    kind: LeafKind::Phrase,
                    text: "rare earth".into(),
                }),
            ),
            (
                "title:(a OR b)",
                And,
                Node::Or(vec![fw("title", "a"), fw("title", "b")]),
            ),
            ("minister:gemba", And, fw(names::MINISTERS, "gemba")),
            ("country:JP", And, fw(names::COUNTRY_CODES, "JP")),
            ("country:jp", And, fw(names::COUNTRY_CODES, "JP")),
            ("id:energy/a.txt", And, fw("id", "energy/a.txt")),
            ("gemba~1", And, k(LeafKind::Fuzzy(1), "gemba")),
            ("gemba~", And, k(LeafKind::Fuzzy(1), "gemba")),
            ("gemba~2", And, k(LeafKind::Fuzzy(2), "gemba")),
            ("fuku*", And, k(LeafKind::Prefix, "fuku")),
            ("*", And, Node::All),
            (
                "date:2011",
                And,
                Node::Date(day(2011, 1, 1), day(2011, 12, 31)),
            ),
            (
                "date:2012-02",
                And,
                Node::Date(day(2012, 2, 1), day(2012, 2, 29)),
            ),
            ("10:30", And, w("10:30")),
        ];
        for (input, op, want) in table {
            assert_eq!(parse(input, op), Ok(want), "{input}");
        }
    }

    #[test]
    fn alternatives_drop_function_words() {
        let table = [
            (
                "how are oil prices hurting the economy",
                Or,
                Node::Or(vec![w("oil"), w("prices"), w("hurting"), w("economy")]),
            ),
            ("The Aviator", Or, Node::Or(vec![w("Aviator")])),
            // Only function words, or nothing else to find: kept.
            (
                "to be or not",
                Or,
                Node::Or(vec![w("to"), w("be"), w("or"), w("not")]),
            ),
            ("the -oil", Or, Node::Or(vec![w("the"), not(w("oil"))])),
            // A group whose words must all match keeps them.
            ("the economy", And, Node::And(vec![w("the"), w("economy")])),
            // Required, negated and field words are not bare alternatives.
            (
                "+the oil title:the",
                Or,
                Node::Or(vec![
                    Node::Must(Box::new(w("the"))),
                    w("oil"),
                    fw("title", "the"),
                ]),
            ),
        ];
        for (input, op, want) in table {
            assert_eq!(parse(input, op), Ok(want), "{input}");
        }
    }

    #[test]
    fn errors_point_at_the_column() {
        let table = [
            ("rare \"earth", 6, "unclosed quote"),
            ("(rare earth", 1, "unclosed parenthesis"),
            ("rare)", 5, "unmatched ')'"),
            ("rare AND", 6, "AND has nothing after it"),
            ("OR rare", 1, "OR needs a word"),
            ("foo:bar", 1, "unknown field 'foo'"),
            ("a country:atlantis", 11, "unknown country 'atlantis'"),
            ("gemba~3", 6, "fuzzy distance 3 is too large"),
            ("title: x", 1, "nothing after 'title:'"),
            ("date:March", 6, "not a date"),
            ("\"\"", 1, "empty phrase"),
            ("   ", 1, "the query is empty"),
            ("NOT", 1, "NOT has nothing after it"),
            (&"(".repeat(1000), 65, "nests more than 64"),
            (&"NOT ".repeat(250), 257, "nests more than 64"),
        ];
        for (input, col, msg) in table {
            let e = parse(input, And).expect_err(input);
            assert_eq!(e.column, col, "{input}: {e}");
            assert!(e.message.contains(msg), "{input}: {}", e.message);
        }
    }

    #[test]
    fn error_display_has_a_caret_under_the_column() {
        let e = parse("rare \"earth", And).unwrap_err();
        let s = e.to_string();
        let lines: Vec<&str> = s.lines().collect();
        assert_eq!(lines[0], "invalid query: unclosed quote at column 6");
        assert_eq!(lines[1], "  rare \"earth");
        assert_eq!(lines[2], "       ^");
    }

    #[test]
    fn unknown_field_lists_the_fields() {
        let e = parse("foo:bar", And).unwrap_err();
        for f in ["title", "body", "country", "minister", "section"] {
            assert!(e.to_string().contains(f), "{e}");
        }
    }

    #[test]
    fn flag_dates() {
        assert_eq!(
            flag_date("2011-03", true),
            Ok(NaiveDate::from_ymd_opt(2011, 3, 31).unwrap())
        );
        assert_eq!(
            flag_date("2011", false),
            Ok(NaiveDate::from_ymd_opt(2011, 1, 1).unwrap())
        );
        assert!(flag_date("yesterday", false).is_err());
        assert!(flag_date("2011-02-30", false).is_err());
    }
}
