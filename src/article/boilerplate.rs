//! Site furniture to strip from article text, from `schema/boilerplate.toml`.

use regex::{Regex, RegexBuilder};
use serde::Deserialize;
use std::sync::OnceLock;

pub const SOURCE: &str = include_str!("../../schema/boilerplate.toml");

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    credit: Vec<String>,
    line: Vec<String>,
}

/// Compiled patterns.
pub struct Boilerplate {
    credit: Vec<Regex>,
    line: regex::RegexSet,
}

fn compile(p: &str) -> Result<Regex, regex::Error> {
    RegexBuilder::new(p).case_insensitive(true).build()
}

impl Boilerplate {
    pub fn from_toml(src: &str) -> anyhow::Result<Boilerplate> {
        let raw: Raw = toml::from_str(src)?;
        let credit = raw
            .credit
            .iter()
            .map(|p| compile(p))
            .collect::<Result<Vec<_>, _>>()?;
        let line = regex::RegexSetBuilder::new(&raw.line)
            .case_insensitive(true)
            .build()?;
        Ok(Boilerplate { credit, line })
    }

    /// The patterns shipped in `schema/`; a unit test guarantees they compile.
    pub fn get() -> &'static Boilerplate {
        static B: OnceLock<Boilerplate> = OnceLock::new();
        B.get_or_init(|| match Boilerplate::from_toml(SOURCE) {
            Ok(b) => b,
            Err(e) => panic!("schema/boilerplate.toml embedded in this build is invalid: {e}"),
        })
    }

    /// The credit text if `line` (trimmed) is an image-credit line.
    pub fn credit<'a>(&self, line: &'a str) -> Option<&'a str> {
        self.credit
            .iter()
            .find_map(|re| re.captures(line))
            .and_then(|c| c.get(1))
            .map(|m| m.as_str().trim())
            .filter(|s| !s.is_empty())
    }

    /// Whether `line` (trimmed) is boilerplate to drop.
    pub fn is_boilerplate(&self, line: &str) -> bool {
        self.line.is_match(line)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_patterns_compile() {
        Boilerplate::from_toml(SOURCE).expect("schema/boilerplate.toml compiles");
    }

    #[test]
    fn recognises_diplomat_furniture() {
        let b = Boilerplate::get();
        assert_eq!(
            b.credit("Image Credit: Indian External Affairs Ministry"),
            Some("Indian External Affairs Ministry")
        );
        assert_eq!(b.credit("Photo credit: Reuters"), Some("Reuters"));
        assert_eq!(b.credit("The credit crunch bit hard"), None);
        for line in [
            "Enjoying this article? Click here to subscribe for full access. Just $5 a month.",
            "Sign up for our weekly newsletter",
            "The Diplomat Brief",
        ] {
            assert!(b.is_boilerplate(line), "{line}");
        }
        for line in [
            "The Diplomat Brief was sent to readers on Monday with a new format.",
            "Readers who subscribe to the idea of a trilateral pact were pleased.",
        ] {
            assert!(!b.is_boilerplate(line), "{line}");
        }
    }
}
