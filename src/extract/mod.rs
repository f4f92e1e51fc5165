//! Who and where: the ministers and countries an article names, and its date.
//!
//! Pure functions over text; the gazetteers they use are data files in
//! `schema/` (`countries.tsv`, `ministers.toml`), parsed once on first use
//! (never at start-up of a search that does not need them). One Aho-Corasick
//! pass over the article finds country words and title keywords together;
//! `countries` and `ministers` then apply the rules around each match.

mod countries;
mod gazetteer;
mod ministers;
mod roles;
mod text;

pub mod dates;

use serde::{Deserialize, Serialize};

/// A minister the article names, with the office as written.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MinisterRole {
    pub name: String,
    pub role: String,
    pub country_code: Option<String>,
}

/// A country the article refers to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Country {
    /// Canonical English short name ("United States").
    pub name: String,
    /// ISO 3166-1 alpha-2 code ("US"), or the withdrawn code of a former
    /// state ("SU").
    pub code: String,
}

/// Everything extracted from one article.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Extraction {
    /// One entry per person, in order of first mention.
    pub ministers: Vec<MinisterRole>,
    /// One entry per country, sorted by name.
    pub countries: Vec<Country>,
}

/// Extract ministers and countries from an article's title and body.
pub fn extract(title: &str, body: &str) -> Extraction {
    // One buffer so the title's words take part in the same pass; the
    // blank line keeps names and titles from running across the join.
    let mut text = String::with_capacity(title.len() + body.len() + 2);
    text.push_str(title);
    text.push_str("\n\n");
    text.push_str(body);
    let (hits, titles) = countries::scan(&text);
    let mentions = countries::mentions(&text, &hits);
    let defs = &gazetteer::countries().defs;

    let mut codes: Vec<u16> = mentions.iter().map(|m| m.country).collect();
    codes.sort_unstable();
    codes.dedup();
    let mut countries: Vec<Country> = codes
        .into_iter()
        .filter_map(|c| defs.get(c as usize))
        .map(|d| Country {
            name: d.name.to_string(),
            code: d.code.to_string(),
        })
        .collect();
    countries.sort_by(|a, b| a.name.cmp(&b.name));

    let ministers = if titles.is_empty() {
        Vec::new()
    } else {
        ministers::merge(&text, &mentions, ministers::find(&text, &titles, &mentions))
    };
    Extraction {
        ministers,
        countries,
    }
}

/// Resolve what a user typed after `country:` ("japan", "JP", "Japanese",
/// "United States", "us", "U.S.", "britain") to the gazetteer's code.
pub fn country_code(value: &str) -> Option<String> {
    countries::code_for(value).map(str::to_string)
}

/// Every way the gazetteer writes a country (names, abbreviations,
/// adjectives, capitals), each with the country's canonical name: where a
/// mistyped `country:` value finds its suggestion.
pub fn country_spellings() -> impl Iterator<Item = (&'static str, &'static str)> {
    let g = gazetteer::countries();
    let names = g.defs.iter().map(|d| (d.name, d.name));
    let aliases = g
        .aliases
        .iter()
        .filter_map(|a| Some((a.text, g.defs.get(usize::from(a.country))?.name)));
    names.chain(aliases)
}

/// The canonical name of a gazetteer code ("JP" → "Japan").
pub fn country_name(code: &str) -> Option<&'static str> {
    countries::name_for(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(text: &str) -> Vec<String> {
        extract("", text)
            .countries
            .into_iter()
            .map(|c| c.code)
            .collect()
    }

    fn names(text: &str) -> Vec<String> {
        extract("", text)
            .ministers
            .into_iter()
            .map(|m| m.name)
            .collect()
    }

    #[test]
    fn gazetteers_parse_completely() {
        let c = gazetteer::countries();
        assert!(c.defs.len() > 190, "{}", c.defs.len());
        let mut seen = std::collections::HashSet::new();
        for d in &c.defs {
            assert_eq!(d.code.len(), 2, "{}", d.code);
            assert!(d.code.bytes().all(|b| b.is_ascii_uppercase()), "{}", d.code);
            assert!(seen.insert(d.code), "duplicate {}", d.code);
        }
        assert!(c.aliases.iter().all(|a| !a.text.is_empty()));
        assert!(
            c.aliases
                .iter()
                .any(|a| a.text == "Moscow" && a.former.is_some())
        );
        assert!(!c.blockers.is_empty() && !c.multi.is_empty() && !c.context.is_empty());
        let t = gazetteer::titles();
        assert!(t.keywords.len() >= 8, "ministers.toml did not parse");
        assert!(gazetteer::matcher().ac.is_some());
    }

    #[test]
    fn country_traps() {
        let cases: &[(&str, &[&str])] = &[
            ("Japan and the Japanese", &["JP"]),
            ("a turkey on china plates", &[]),
            ("TURKEY AND CHINA SIGN PACT", &["CN", "TR"]),
            ("Michael Jordan met Jordan Smith", &[]),
            ("talks in Jordan", &["JO"]),
            ("Chad Evans flew to Chad", &["TD"]),
            ("Atlanta, Georgia", &[]),
            ("Georgia and Russia", &["GE", "RU"]),
            ("the Vogtle plant in Georgia, America's south", &["US"]),
            ("New Mexico", &[]),
            ("Niger and Nigeria", &["NE", "NG"]),
            ("the Niger Delta", &["NG"]),
            ("Dominica", &["DM"]),
            ("the Dominican Republic", &["DO"]),
            ("the Indian Ocean", &[]),
            ("American football and French fries", &[]),
            ("the two Koreas", &["KP", "KR"]),
            ("Papua New Guinea", &["PG"]),
            ("Equatorial Guinea", &["GQ"]),
            ("Papua", &[]),
            ("Moscow", &["RU"]),
            ("Moscow and the Soviet Union", &["SU"]),
            ("U.S. and U.K.", &["GB", "US"]),
            ("LET US GO", &[]),
            ("the US", &["US"]),
            ("us and them", &[]),
            ("New England and New South Wales", &[]),
            ("Scotland and Wales", &["GB"]),
            ("Indians and Koreans", &["IN", "KR"]),
            ("Georgia Gulf Corp said", &[]),
            ("the Savings Bank of Georgia in Atlanta", &[]),
            ("to acquire <E.C. Jordan and Co>, a firm", &[]),
            ("E.C. Jordan and Co said", &[]),
            ("to buy <Mexico Fund Inc> shares", &[]),
            ("Subs Not Used: Macken, Weaver, Onuoha, Jordan.", &[]),
            ("Chad Therapeutics Inc", &[]),
            ("Syria, Jordan and Egypt", &["EG", "JO", "SY"]),
            ("Russia and Georgia", &["GE", "RU"]),
            ("the Vogtle plant in Georgia. Russia builds too.", &["RU"]),
            ("customers in northeast Georgia", &[]),
            ("Swiss Bank Corp said it would", &[]),
            ("shares of American Nursery Products rose", &[]),
            ("British American Tobacco said", &[]),
            ("Real Madrid beat Barcelona", &[]),
            ("the British Steel Corp.", &[]),
            ("Indian Petroleum Minister Satish Sharma", &["IN"]),
            ("the Japan Meteorological Agency said", &["JP"]),
            ("the Swiss National Bank", &["CH"]),
            ("Japanese exports rose", &["JP"]),
            ("AMERICAN NURSERY PRODUCTS <ANSY> 3RD QTR NET", &[]),
            ("American Realty Trust said", &[]),
            ("owned by Royal Dutch/Shell Group", &[]),
            ("companies such as Nokia, France Telecom and Philips", &[]),
            ("JAPAN STEEL OUTPUT FALLS", &["JP"]),
            ("(Power Corp of Canada) said", &[]),
            (
                "SHELL CANADA SEES BETTER PROFIT\n\n<Shell Canada Ltd>, 72 pct owned",
                &[],
            ),
            (
                "BUYS AMERICAN VIDEO\n\nIt agreed to buy <American Video Group Inc>.",
                &[],
            ),
            (
                "CANADA SEES BETTER PROFIT\n\n<Shell Canada Ltd> said",
                &["CA"],
            ),
            ("An Alcoa (Aluminum Company of America) source", &[]),
            (
                "the Equitable Life Assurance Society of the United States",
                &[],
            ),
            ("The Bank of England said", &["GB"]),
            ("a unit of Union Bank of Switzerland", &[]),
            ("trading on the American Stock Exchange", &[]),
            ("the Swiss franc and the Bank of Japan", &["JP", "CH"]),
            ("the Prime Minister of India", &["IN"]),
        ];
        for (text, want) in cases {
            assert_eq!(codes(text), *want, "{text}");
        }
    }

    #[test]
    fn minister_patterns() {
        let cases: &[(&str, &[&str])] = &[
            ("Foreign Minister Koichiro Gemba said.", &["Koichiro Gemba"]),
            (
                "Koichiro Gemba, Japan's foreign minister, said.",
                &["Koichiro Gemba"],
            ),
            (
                "Japan's foreign minister, Koichiro Gemba, said.",
                &["Koichiro Gemba"],
            ),
            (
                "Finance Minister Noda spoke. Yoshihiko Noda is 54.",
                &["Yoshihiko Noda"],
            ),
            ("Mr Brown, the chancellor, spoke.", &["Brown"]),
            ("Dr Liam Fox, the Defence Secretary, spoke.", &["Liam Fox"]),
            ("Shadow chancellor George Osborne spoke.", &[]),
            ("General Secretary Hu Jintao spoke.", &[]),
            ("Press Secretary Jay Carney spoke.", &[]),
            ("UN Secretary-General Ban Ki-moon spoke.", &[]),
            ("Assistant Treasury Secretary David Mulford spoke.", &[]),
            ("Vice Finance Minister Toyoo Gyohten spoke.", &[]),
            ("Chief Minister Narendra Modi spoke.", &[]),
            ("German Chancellor Helmut Kohl spoke in Bonn.", &[]),
            (
                "Chancellor Nigel Lawson spoke in London.",
                &["Nigel Lawson"],
            ),
            (
                "Treasurer Paul Keating spoke in Australia.",
                &["Paul Keating"],
            ),
            ("Treasurer Paul Keating of the club spoke.", &[]),
            (
                "President Reagan and Secretary of State George Shultz",
                &["George Shultz"],
            ),
            (
                "Indian Defense Minister A.K. Antony’s visit",
                &["A.K. Antony"],
            ),
            ("the prime minister said", &[]),
            ("Ministers met.", &[]),
            ("shares in Premier Microwave Corp", &[]),
            ("Also in Gateshead, the prime minister said", &[]),
            ("Firstly, the prime minister said", &[]),
            ("a tour of Africa, the UK chancellor said", &[]),
            ("in New York, Uruguay's Foreign Minister said", &[]),
            ("Canada's Minister for External Relations spoke.", &[]),
            (
                "Oil Minister Mana Said al-Oteiba spoke.",
                &["Mana Said al-Oteiba"],
            ),
            (
                "Chief of Staff Donald Regan left. Treasury Secretary Regan stayed.",
                &["Donald Regan"],
            ),
            ("Foreign Minister Gemba arrived.", &[]),
            ("Foreign Minister Gemba arrived. Gemba said so.", &["Gemba"]),
            ("Energy Minister Subroto said.", &["Subroto"]),
            ("Finance Minister Trevor Manuel said.", &["Trevor Manuel"]),
            ("its unit, Premier Auction Services, booked more", &[]),
            ("Vice-Premier Yao Yilin announced it.", &[]),
            (
                "Labour Minister Brigadier Ike Nwachukwu said.",
                &["Ike Nwachukwu"],
            ),
            (
                "Minister for Trade Negotiations Michael Duffy said. Duffy left.",
                &["Michael Duffy"],
            ),
            (
                "the resignation of Andre Harvie, minister responsible for posts",
                &["Andre Harvie"],
            ),
            ("Foreign Minister Gemba said. Mr Gemba left.", &["Gemba"]),
            ("Chancellor Helmut Kohl spoke.", &[]),
            (
                "Chancellor Gordon Brown spoke in Germany.",
                &["Gordon Brown"],
            ),
            ("Chancellor Hans Mueller spoke in Germany.", &[]),
            (
                "Chancellor Hans Mueller spoke in London.",
                &["Hans Mueller"],
            ),
        ];
        for (text, want) in cases {
            assert_eq!(names(text), *want, "{text}");
        }
    }

    #[test]
    fn one_country_code_per_person() {
        let roles = |text: &str| -> Vec<String> {
            extract("", text)
                .ministers
                .into_iter()
                .map(|m| format!("{}|{}", m.name, m.country_code.unwrap_or_default()))
                .collect()
        };
        let cases: &[(&str, &[&str])] = &[
            ("Prime Minister Tony Blair spoke.", &["Tony Blair|GB"]),
            (
                "Mr Blair, the prime minister, spoke in Germany.",
                &["Blair|GB"],
            ),
            (
                "Home Secretary Charles Clarke spoke.",
                &["Charles Clarke|GB"],
            ),
            (
                "Home Secretary Charles Clarke spoke in London.",
                &["Charles Clarke|GB"],
            ),
            (
                "Education Secretary Charles Clarke spoke.",
                &["Charles Clarke|GB"],
            ),
            (
                "Chancellor Gordon Brown spoke. Mr Brown met Germany's Hans Eichel.",
                &["Gordon Brown|GB"],
            ),
        ];
        for (text, want) in cases {
            assert_eq!(roles(text), *want, "{text}");
        }
    }
}

#[cfg(test)]
mod prop {
    use proptest::prelude::*;

    proptest! {
        /// Whatever the text, extraction returns (no panic on odd slicing,
        /// multi-byte characters or punctuation runs).
        #[test]
        fn extract_never_panics(title in ".{0,40}", body in "(\\PC|[ \n,.'’\"-]|Minister|Secretary|Japan|U\\.S\\.|counterpart|Mr ){0,80}") {
            let _ = super::extract(&title, &body);
        }
    }
}
