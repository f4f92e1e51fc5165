//! Query → rank → highlight: turns a [`Request`] into [`hit::Results`].
//!
//! [`query`] reads the user's query (pure), [`build`] makes a tantivy query
//! of it, [`highlight`] marks what matched, [`facets`] and [`timeline`] count
//! over all matches when asked. Results are plain values for `render`.
//! Work is proportional to what is shown: stored documents are read only for
//! the page, counting runs only for `--facet`/`--timeline`.

pub mod batch;
pub mod bm25f;
pub mod build;
pub mod dedup;
pub mod expand;
pub mod facets;
pub mod highlight;
pub mod hit;
pub mod query;
pub mod similar;
pub mod suggest;
pub mod timeline;
pub mod union;

use crate::corpus::walk;
use crate::document::StoredDoc;
use crate::index::NewsIndex;
use crate::index::schema::names;
use anyhow::{Context, Result};
use build::Filters;
pub use dedup::{Duplicates, Unit};
use facets::{Facet, Tallied, Tally};
use highlight::Highlighter;
use hit::{FacetCount, TimelineBucket};
pub use hit::{Hit, Results};
use std::path::PathBuf;
use std::time::Instant;
use tantivy::collector::{Collector, Count, TopDocs};
use tantivy::query::Query;
use tantivy::{DateTime, DocAddress, Score, Searcher, SegmentReader, TantivyDocument};

/// How bare terms combine (also a saved query's `default_operator`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DefaultOperator {
    #[default]
    And,
    Or,
}

/// The order of hits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Sort {
    #[default]
    Score,
    /// Newest first; undated documents last.
    Date,
}

/// What to search for and how to present it.
#[derive(Clone, Debug)]
pub struct Request {
    pub query: String,
    pub limit: usize,
    pub offset: usize,
    pub default_operator: DefaultOperator,
    pub sort: Sort,
    pub filters: Filters,
    pub facets: Vec<Facet>,
    /// Values kept per facet, most frequent first.
    pub facet_values: usize,
    pub timeline: bool,
    /// Characters of body text per snippet passage.
    pub snippet_chars: usize,
    /// Passages per snippet.
    pub fragments: usize,
    /// Skip reading documents (for `--count`).
    pub count_only: bool,
    /// Add the words of the best documents to the query (`expand`).
    pub expand: bool,
    /// Only articles like the one with this id, most alike first
    /// (`newsidx similar ID`, `--like ID`): see [`similar`].
    pub like: Option<String>,
    /// Fold near-duplicates into one hit per group, or show every article.
    pub duplicates: Duplicates,
}

/// Hits a search shows unless asked for another number.
pub const DEFAULT_LIMIT: usize = 10;

/// Characters of body text per snippet passage unless asked otherwise.
pub const DEFAULT_SNIPPET_CHARS: usize = 200;

/// Passages per snippet unless asked otherwise.
pub const DEFAULT_FRAGMENTS: usize = 1;

impl Default for Request {
    fn default() -> Self {
        Request {
            query: String::new(),
            limit: DEFAULT_LIMIT,
            offset: 0,
            default_operator: DefaultOperator::And,
            sort: Sort::Score,
            filters: Filters::default(),
            facets: Vec::new(),
            facet_values: facets::TOP,
            timeline: false,
            snippet_chars: DEFAULT_SNIPPET_CHARS,
            fragments: DEFAULT_FRAGMENTS,
            count_only: false,
            expand: false,
            like: None,
            duplicates: Duplicates::Show,
        }
    }
}

/// Run `req` against the last commit of `ix`, every hit of the page in
/// memory (for `check`, `eval` and tests; `newsidx search` streams them with
/// [`find`]).
pub fn search(ix: &NewsIndex, req: &Request) -> Result<Results> {
    search_in(ix, &ix.reader()?.searcher(), req)
}

/// [`search`] on `searcher`, a view of `ix` that a long-lived caller (the
/// web server) keeps and reloads itself.
pub fn search_in(ix: &NewsIndex, searcher: &Searcher, req: &Request) -> Result<Results> {
    let start = Instant::now();
    let mut found = find_in(ix, searcher.clone(), req)?;
    let hits = found.hits().collect::<Result<Vec<Hit>>>()?;
    let mut results = found.results;
    results.hits = hits;
    results.took_ms = start.elapsed().as_secs_f64() * 1000.0;
    Ok(results)
}

/// A search whose hits are still to be read: [`Found::results`] holds the
/// counts, facets and timeline (its `hits` empty), [`Found::hits`] reads and
/// highlights the page's documents one at a time, so that a page of a
/// million hits is never held in memory at once.
pub struct Found<'a> {
    pub results: Results,
    top: Vec<(Score, DocAddress)>,
    /// The ids folded into each hit of `top` (empty unless folding).
    folded: Vec<Vec<String>>,
    /// The stored documents of `top` that folding has read already.
    docs: Vec<TantivyDocument>,
    offset: usize,
    searcher: tantivy::Searcher,
    highlighter: Highlighter,
    ix: &'a NewsIndex,
    req: &'a Request,
    corpus: Option<PathBuf>,
}

impl Found<'_> {
    /// How many hits the page has (what [`Found::hits`] will yield).
    pub fn page_len(&self) -> usize {
        self.top.len()
    }

    /// The rank of the page's first hit.
    pub fn first_rank(&self) -> usize {
        self.offset + 1
    }

    /// The view of the index this search ran on.
    pub fn searcher(&self) -> &Searcher {
        &self.searcher
    }

    /// The page's hits, in rank order, each read from the index when asked.
    pub fn hits(&mut self) -> impl Iterator<Item = Result<Hit>> + '_ {
        let top = std::mem::take(&mut self.top);
        let mut folded = std::mem::take(&mut self.folded).into_iter();
        let mut docs = std::mem::take(&mut self.docs).into_iter();
        top.into_iter().enumerate().map(move |(i, (score, addr))| {
            let duplicates = folded.next().unwrap_or_default();
            self.hit(self.offset + i + 1, score, addr, duplicates, docs.next())
        })
    }

    fn hit(
        &mut self,
        rank: usize,
        score: Score,
        addr: DocAddress,
        duplicates: Vec<String>,
        read: Option<TantivyDocument>,
    ) -> Result<Hit> {
        let tdoc: TantivyDocument = match read {
            Some(d) => d,
            None => self
                .searcher
                .doc(addr)
                .context("cannot read a document from the index")?,
        };
        let doc = self.ix.fields.read(&tdoc);
        let hl = &mut self.highlighter;
        let snippet = hl.snippet(&doc.body, self.req.snippet_chars, self.req.fragments);
        let title_highlights = hl.title_marks(&doc.title);
        let file = crate::corpus::walk::id_file(&doc.id);
        let path = match &self.corpus {
            Some(r) => crate::corpus::walk::id_to_path(r, file)
                .display()
                .to_string(),
            None => file.to_string(),
        };
        Ok(Hit {
            rank,
            score,
            path,
            doc,
            snippet,
            title_highlights,
            duplicates,
        })
    }
}

/// Run `req` against the last commit of `ix`: rank and count, leaving the
/// hits to be read.
pub fn find<'a>(ix: &'a NewsIndex, req: &'a Request) -> Result<Found<'a>> {
    find_in(ix, ix.reader()?.searcher(), req)
}

/// [`find`] on `searcher`.
pub fn find_in<'a>(ix: &'a NewsIndex, searcher: Searcher, req: &'a Request) -> Result<Found<'a>> {
    let start = Instant::now();
    let root = query::parse(&req.query, req.default_operator)?;
    let q = tantivy_query(ix, &searcher, req, &root)?;
    let page = Page::of(req, &searcher);
    let ranked = match req.duplicates {
        Duplicates::Show => rank(&searcher, q.as_ref(), req, page)?,
        Duplicates::Fold => rank_folded(ix, &searcher, q.as_ref(), req, page)?,
    };
    let (facets, timeline) = counts(req, ranked.tallied);
    Ok(Found {
        results: Results {
            query: req.query.clone(),
            total_hits: ranked.total_hits,
            total_articles: ranked.total_articles,
            unit: ranked.unit,
            took_ms: start.elapsed().as_secs_f64() * 1000.0,
            hits: Vec::new(),
            facets,
            timeline,
            suggestion: None,
        },
        top: ranked.top,
        folded: ranked.folded,
        docs: ranked.docs,
        offset: page.offset,
        searcher,
        highlighter: Highlighter::new(&root),
        ix,
        req,
        corpus: ix.stamp.corpus.clone().map(PathBuf::from),
    })
}

/// The tantivy query of `req` (its parsed query `root`): the filters, then
/// `--expand`'s words, then `--like`'s article.
fn tantivy_query(
    ix: &NewsIndex,
    searcher: &Searcher,
    req: &Request,
    root: &query::Node,
) -> Result<Box<dyn Query>> {
    let schema = ix.index.schema();
    let q = build::build(&schema, root, &req.filters)?;
    // An OR search is always reordered by feedback (schema/news.toml,
    // [expansion]); `--expand` also lets the added words find articles.
    // The feedback comes from the filtered query's best articles; the
    // filters then apply to the expanded query as a whole, so no added word
    // brings in an article they leave out.
    let or = req.default_operator == DefaultOperator::Or;
    let q = if req.expand || or {
        let bare = build::build(&schema, root, &Filters::default())?;
        let expanded = expand::expand(searcher, q.as_ref(), bare, !(req.expand && or))?;
        build::filtered(&schema, expanded, &req.filters)?
    } else {
        q
    };
    Ok(match &req.like {
        Some(id) => Box::new(tantivy::query::BooleanQuery::new(vec![
            (
                tantivy::query::Occur::Must,
                similar::like(ix, searcher, id)?,
            ),
            (tantivy::query::Occur::Must, q),
        ])),
        None => q,
    })
}

/// The stretch of the ranking shown: `limit` hits after the first `offset`.
#[derive(Clone, Copy, Debug)]
struct Page {
    offset: usize,
    limit: usize,
}

impl Page {
    /// tantivy reserves room for `limit + offset` hits up front: never more
    /// than the index holds, whatever was asked.
    fn of(req: &Request, searcher: &Searcher) -> Page {
        let docs = usize::try_from(searcher.num_docs()).unwrap_or(usize::MAX);
        let offset = req.offset.min(docs);
        let limit = if req.count_only {
            0
        } else {
            req.limit.min(docs - offset)
        };
        Page { offset, limit }
    }
}

/// The page's hits in rank order (with what each folds), how many hits and
/// articles matched, and the facet and timeline tallies over all the hits
/// when the request asks for any.
struct Ranked {
    top: Vec<(Score, DocAddress)>,
    folded: Vec<Vec<String>>,
    /// The stored documents of `top` already read (by folding), in order.
    docs: Vec<TantivyDocument>,
    total_hits: usize,
    total_articles: usize,
    unit: Unit,
    tallied: Option<Tallied>,
}

/// The facet and timeline counting `req` asks for, if any.
fn tally_of(req: &Request) -> Option<Tally> {
    (!req.facets.is_empty() || req.timeline).then(|| Tally {
        facets: req.facets.clone(),
        timeline: req.timeline,
    })
}

/// One pass over the matches: the page, the count and the tallies together.
fn rank(searcher: &Searcher, q: &dyn Query, req: &Request, page: Page) -> Result<Ranked> {
    let (top, total, tallied) = top_and_counts(searcher, q, req, page, tally_of(req))?;
    Ok(Ranked {
        top,
        folded: Vec::new(),
        docs: Vec::new(),
        total_hits: total,
        total_articles: total,
        unit: Unit::Articles,
        tallied,
    })
}

/// A page of the ranking, how many match, and the tallies over all.
type TopAndCounts = (Vec<(Score, DocAddress)>, usize, Option<Tallied>);

/// The page of the ranking, how many match, and `tally` over all of them.
fn top_and_counts(
    searcher: &Searcher,
    q: &dyn Query,
    req: &Request,
    page: Page,
    tally: Option<Tally>,
) -> Result<TopAndCounts> {
    if page.limit == 0 {
        let (total, t) = searcher.search(q, &(Count, tally))?;
        return Ok((Vec::new(), total, t));
    }
    let top = TopDocs::with_limit(page.limit).and_offset(page.offset);
    Ok(match req.sort {
        Sort::Score => searcher.search(q, &(top.order_by_score(), Count, tally))?,
        Sort::Date => {
            let (top, total, t) = searcher.search(q, &(newest_first(top), Count, tally))?;
            let top = top.into_iter().map(|((_, s), a)| (s, a)).collect();
            (top, total, t)
        }
    })
}

/// [`rank`] with the page's near-duplicates folded ([`dedup::fold`]): the
/// top of the ranking is read, twice as deep as the page reaches (deeper
/// again when folding leaves the page short), and folded until the page is
/// full. The counts and tallies are of articles, from the same pass.
fn rank_folded(
    ix: &NewsIndex,
    searcher: &Searcher,
    q: &dyn Query,
    req: &Request,
    page: Page,
) -> Result<Ranked> {
    if page.limit == 0 {
        return rank(searcher, q, req, page);
    }
    let docs = usize::try_from(searcher.num_docs()).unwrap_or(usize::MAX);
    let want = page.offset.saturating_add(page.limit);
    let mut depth = want
        .saturating_mul(2)
        .max(want.saturating_add(20))
        .min(docs);
    let at = |limit| Page { offset: 0, limit };
    let (mut top, total, tallied) = top_and_counts(searcher, q, req, at(depth), tally_of(req))?;
    let weight = q.weight(tantivy::query::EnableScoring::enabled_from_searcher(
        searcher,
    ))?;
    let groups = loop {
        let groups = dedup::fold(ix, searcher, weight.as_ref(), &top, want)?;
        if groups.len() >= want || top.len() >= total || depth >= docs {
            break groups;
        }
        depth = depth.saturating_mul(4).min(docs);
        top = top_and_counts(searcher, q, req, at(depth), None)?.0;
    };
    let shown: Vec<dedup::Group> = groups.into_iter().skip(page.offset).collect();
    let mut ids = dedup::Ids::new(searcher);
    let folded = shown
        .iter()
        .map(|g| ids.of(g.members.iter().copied()))
        .collect::<Result<_>>()?;
    Ok(Ranked {
        top: shown.iter().map(|g| top[g.leader]).collect(),
        folded,
        docs: shown.into_iter().map(|g| g.doc).collect(),
        total_hits: total,
        total_articles: total,
        unit: Unit::Articles,
        tallied,
    })
}

/// `top` ordered by date, newest first, undated documents last; the score
/// breaks ties (and is kept for the hit).
fn newest_first(top: TopDocs) -> impl Collector<Fruit = Vec<((i64, Score), DocAddress)>> {
    top.tweak_score(|seg: &SegmentReader| {
        let dates = seg
            .fast_fields()
            .column_opt::<DateTime>(names::DATE)
            .ok()
            .flatten();
        move |doc, score: Score| {
            let secs = dates
                .as_ref()
                .and_then(|c| c.first(doc))
                .map_or(i64::MIN, |d| d.into_timestamp_secs());
            (secs, score)
        }
    })
}

/// What [`Results`] says of all the matches: each facet's top values, and
/// the timeline.
type Counts = (Vec<(String, Vec<FacetCount>)>, Option<Vec<TimelineBucket>>);

/// The requested facets' top values and the timeline, from the tallies.
fn counts(req: &Request, tallied: Option<Tallied>) -> Counts {
    let Some(t) = tallied else {
        return (Vec::new(), None);
    };
    let facets = req
        .facets
        .iter()
        .zip(t.facets)
        .map(|(f, counts)| {
            let top = facets::top(*f, counts, req.facet_values);
            (f.name().to_string(), top)
        })
        .collect();
    (facets, req.timeline.then(|| timeline::buckets(&t.months)))
}

/// The stored document `id_or_path` names: an id as `search` prints it,
/// else a path to the file (relative to here, or the absolute `path` that
/// search prints), with its `#N` if it has one.
pub fn find_document(ix: &NewsIndex, id_or_path: &str) -> Result<Option<StoredDoc>> {
    if let Some(d) = get_by_id(ix, id_or_path)? {
        return Ok(Some(d));
    }
    let by_path = || {
        let root = PathBuf::from(ix.stamp.corpus.as_deref()?);
        let file = walk::id_file(id_or_path);
        let suffix = &id_or_path[file.len()..];
        let id = walk::id_for_path(&root, std::path::Path::new(file))?;
        Some(format!("{id}{suffix}"))
    };
    match by_path() {
        Some(id) => get_by_id(ix, &id),
        None => Ok(None),
    }
}

/// The stored document with this id, if the index has one.
pub fn get_by_id(ix: &NewsIndex, id: &str) -> Result<Option<StoredDoc>> {
    let reader = ix.index.reader().context("cannot open an index reader")?;
    get_by_id_in(ix, &reader.searcher(), id)
}

/// [`get_by_id`] on a searcher the caller keeps.
pub fn get_by_id_in(
    ix: &NewsIndex,
    searcher: &Searcher,
    id: &str,
) -> Result<Option<crate::document::StoredDoc>> {
    let term = tantivy::Term::from_field_text(ix.fields.id, id);
    let q = tantivy::query::TermQuery::new(term, tantivy::schema::IndexRecordOption::Basic);
    let top = searcher.search(&q, &TopDocs::with_limit(1).order_by_score())?;
    match top.first() {
        Some((_, addr)) => {
            let d: TantivyDocument = searcher.doc(*addr)?;
            Ok(Some(ix.fields.read(&d)))
        }
        None => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    //! The search over a small in-memory index whose documents carry dates,
    //! countries and ministers directly (no corpus, no extraction).

    use super::*;
    use crate::document::NewsDoc;
    use crate::index::{Stamp, schema};
    use chrono::NaiveDate;

    fn doc(
        id: &str,
        title: &str,
        date: Option<(i32, u32, u32)>,
        countries: &[(&str, &str)],
        ministers: &[&str],
    ) -> NewsDoc {
        NewsDoc::for_test(
            id,
            title,
            &format!("{title}. A reactor story.\n\nMore text follows here."),
        )
        .with_facts(date, countries, ministers)
    }

    /// A wire story that the folding tests copy.
    const PILOTS_STRIKE: &str = "The harbour pilots of the port walked out at midnight, \
        leaving eleven container ships waiting outside as the dispute over night shifts \
        entered its third week; the port authority said ferries and fuel tankers would be \
        given priority until the stoppage ended, and talks resume.";

    /// The index `w` wrote, committed, as a `NewsIndex`.
    fn committed(
        index: tantivy::Index,
        fields: schema::Fields,
        mut w: tantivy::IndexWriter,
    ) -> NewsIndex {
        w.commit().unwrap();
        NewsIndex {
            index,
            fields,
            stamp: Stamp::current(None),
            dir: PathBuf::new(),
        }
    }

    /// An empty in-memory index with our schema and analyzers, and a writer.
    fn ram_index() -> (tantivy::Index, schema::Fields, tantivy::IndexWriter) {
        let (s, fields) = schema::build(crate::model::Model::get()).unwrap();
        let index = tantivy::Index::create_in_ram(s);
        schema::register_analyzers(&index);
        let w = index.writer_with_num_threads(1, 15_000_000).unwrap();
        (index, fields, w)
    }

    fn index() -> NewsIndex {
        let (index, fields, w) = ram_index();
        let docs = [
            doc(
                "energy/blast.txt",
                "Fukushima blast",
                Some((2011, 3, 14)),
                &[("Japan", "JP")],
                &["Yukio Edano"],
            ),
            doc(
                "diplomacy/gemba.txt",
                "Gemba visits Delhi",
                Some((2011, 12, 28)),
                &[("India", "IN"), ("Japan", "JP")],
                &["Koichiro Gemba", "S.M. Krishna"],
            ),
            doc("science/undated.txt", "Undated story", None, &[], &[]),
            doc(
                "diplomacy/hanoi.txt",
                "Clinton in Hanoi",
                Some((2010, 7, 23)),
                &[("United States", "US"), ("Vietnam", "VN")],
                &["Hillary Clinton"],
            ),
        ];
        for d in &docs {
            w.add_document(fields.to_doc(d)).unwrap();
        }
        committed(index, fields, w)
    }

    fn run(ix: &NewsIndex, query: &str, f: impl FnOnce(&mut Request)) -> Results {
        let mut req = Request {
            query: query.into(),
            ..Request::default()
        };
        f(&mut req);
        search(ix, &req).unwrap()
    }

    fn ids(r: &Results) -> Vec<&str> {
        r.hits.iter().map(|h| h.doc.id.as_str()).collect()
    }

    fn day(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, d)
    }

    #[test]
    fn date_filters_are_inclusive_days() {
        let ix = index();
        let r = run(&ix, "*", |r| {
            r.filters.since = day(2011, 3, 14);
            r.filters.until = day(2011, 12, 28);
        });
        let mut got = ids(&r);
        got.sort();
        assert_eq!(got, ["diplomacy/gemba.txt", "energy/blast.txt"]);
        let r = run(&ix, "date:2011-03", |_| {});
        assert_eq!(ids(&r), ["energy/blast.txt"]);
        let r = run(&ix, "reactor date:2010", |_| {});
        assert_eq!(ids(&r), ["diplomacy/hanoi.txt"]);
    }

    #[test]
    fn sort_by_date_puts_undated_last() {
        let ix = index();
        let r = run(&ix, "reactor", |r| r.sort = Sort::Date);
        assert_eq!(
            ids(&r),
            [
                "diplomacy/gemba.txt",
                "energy/blast.txt",
                "diplomacy/hanoi.txt",
                "science/undated.txt"
            ]
        );
    }

    #[test]
    fn country_and_minister_fields_and_filters() {
        let ix = index();
        let sorted = |r: Results| {
            let mut v: Vec<String> = r.hits.into_iter().map(|h| h.doc.id).collect();
            v.sort();
            v
        };
        let jp = sorted(run(&ix, "country:JP", |_| {}));
        assert_eq!(jp, ["diplomacy/gemba.txt", "energy/blast.txt"]);
        assert_eq!(sorted(run(&ix, "country:jp", |_| {})), jp);
        assert_eq!(
            sorted(run(&ix, "*", |r| r.filters.countries = vec!["JP".into()])),
            jp
        );
        let gemba = sorted(run(&ix, "minister:gemba", |_| {}));
        assert_eq!(gemba, ["diplomacy/gemba.txt"]);
        assert_eq!(
            sorted(run(&ix, "minister:\"Koichiro Gemba\"", |_| {})),
            gemba
        );
        assert_eq!(sorted(run(&ix, "minister:krishna", |_| {})), gemba);
        assert_eq!(
            sorted(run(&ix, "*", |r| r.filters.ministers = vec!["Gemba".into()])),
            gemba
        );
        // A bare word does not search the ministers field (it has no
        // boost): only `minister:` does.
        assert!(run(&ix, "edano", |_| {}).hits.is_empty());
        assert_eq!(
            sorted(run(&ix, "minister:edano", |_| {})),
            ["energy/blast.txt"]
        );
    }

    #[test]
    fn facets_and_timeline_count_every_match() {
        let ix = index();
        let r = run(&ix, "*", |r| {
            r.limit = 1;
            r.facets = vec![Facet::Country, Facet::Section, Facet::Minister];
            r.timeline = true;
        });
        assert_eq!(r.hits.len(), 1);
        let (name, countries) = &r.facets[0];
        assert_eq!(name, "country");
        assert_eq!(countries[0].value, "Japan");
        assert_eq!(countries[0].count, 2);
        assert_eq!(countries.iter().map(|c| c.count).sum::<u64>(), 5);
        let (_, sections) = &r.facets[1];
        assert_eq!(sections[0].value, "diplomacy");
        assert_eq!(sections[0].count, 2);
        assert_eq!(r.facets[2].1.len(), 4);
        let t = r.timeline.unwrap();
        assert_eq!(t.first().map(|b| b.period.as_str()), Some("2010-07"));
        assert_eq!(t.last().map(|b| b.period.as_str()), Some("2011-12"));
        assert_eq!(t.len(), 18);
        assert_eq!(t.iter().map(|b| b.count).sum::<u64>(), 3);
    }

    /// The analyzer's rules, as a user searching meets them: a possessive is
    /// its word, accents fold both ways, a compound finds its concatenation
    /// and its parts, CJK text is found by a pair of characters; and the
    /// marks fall on what matched.
    #[test]
    fn possessives_accents_compounds_and_cjk_are_found() {
        let (index, fields, w) = ram_index();
        for (id, title) in [
            ("a", "Japan's exports rise"),
            ("b", "Café owners protest"),
            ("c", "Economic co-operation talks"),
            ("d", "Cooperation deal signed"),
            ("e", "東京で地震"),
            ("f", "Rare earth supply"),
            ("g", "O'Neill resigns"),
        ] {
            w.add_document(fields.to_doc(&NewsDoc::for_test(id, title, "Body text.")))
                .unwrap();
        }
        let ix = committed(index, fields, w);
        let found = |q: &str| {
            let mut v: Vec<String> = run(&ix, q, |_| {})
                .hits
                .into_iter()
                .map(|h| h.doc.id)
                .collect();
            v.sort();
            v
        };
        assert_eq!(found("japan"), ["a"]);
        assert_eq!(found("Japan's"), ["a"]);
        assert_eq!(found("cafe"), ["b"]);
        assert_eq!(found("café"), ["b"]);
        assert_eq!(found("cooperation"), ["c", "d"]);
        assert_eq!(found("co-operation"), ["c", "d"]);
        assert_eq!(found("\"co-operation\""), ["c"]);
        assert_eq!(found("東京"), ["e"]);
        assert_eq!(found("地震"), ["e"]);
        assert_eq!(found("\"東京で地震\""), ["e"]);
        assert_eq!(found("rare-earth"), ["f"]);
        assert_eq!(found("oneill"), ["g"]);
        assert_eq!(found("O'Neill"), ["g"]);
        let marks = |q: &str| {
            let r = run(&ix, q, |_| {});
            let h = &r.hits[0];
            let chars: Vec<char> = h.doc.title.chars().collect();
            h.title_highlights
                .iter()
                .map(|[a, b]| chars[*a..*b].iter().collect::<String>())
                .collect::<Vec<_>>()
        };
        assert_eq!(marks("japan"), ["Japan"]);
        assert_eq!(marks("cafe"), ["Café"]);
        assert_eq!(marks("\"co-operation\""), ["co-operation"]);
        assert_eq!(marks("東京"), ["東京"]);
        assert_eq!(marks("O'Neill"), ["O'Neill"]);
    }

    #[test]
    fn huge_limits_and_offsets_are_clamped() {
        let ix = index();
        let r = run(&ix, "reactor", |r| r.limit = usize::MAX);
        assert_eq!(r.hits.len(), 4);
        let r = run(&ix, "reactor", |r| r.offset = usize::MAX);
        assert!(r.hits.is_empty());
        assert_eq!(r.total_hits, 4);
    }

    /// Folding pages over groups, counts articles, and lets the sort choose
    /// which copy of a story is shown.
    #[test]
    fn folding_pages_over_groups_and_counts_articles() {
        let (index, fields, w) = ram_index();
        let story = PILOTS_STRIKE;
        let other = "A new crane arrived at the port on Monday, the largest the \
            container terminal has had, and will be working by the end of the month \
            after engineers have tested it with loads of steel and concrete blocks.";
        for (id, title, body, day) in [
            ("a.txt", "Pilots strike", story, 3),
            ("b.txt", "Pilots strike at port", story, 5),
            ("c.txt", "Crane arrives at port", other, 4),
            ("d.txt", "Pilots walk out", story, 1),
        ] {
            let d = NewsDoc::for_test(id, title, body).with_facts(Some((2014, 3, day)), &[], &[]);
            w.add_document(fields.to_doc(&d)).unwrap();
        }
        let ix = committed(index, fields, w);
        let folded = |f: &dyn Fn(&mut Request)| {
            run(&ix, "port", |r| {
                r.duplicates = Duplicates::Fold;
                f(r)
            })
        };
        let r = folded(&|r| r.sort = Sort::Date);
        assert_eq!(
            (r.total_hits, r.total_articles, r.unit),
            (4, 4, Unit::Articles)
        );
        assert_eq!(ids(&r), ["b.txt", "c.txt"]);
        assert_eq!(r.hits[0].duplicates, ["a.txt", "d.txt"]);
        assert!(r.hits[1].duplicates.is_empty());
        let r = folded(&|r| {
            r.sort = Sort::Date;
            r.offset = 1;
            r.limit = 1;
            r.timeline = true;
        });
        assert_eq!(ids(&r), ["c.txt"]);
        let months = r.timeline.unwrap();
        assert_eq!(months.iter().map(|b| b.count).sum::<u64>(), 4);
        let r = run(&ix, "port", |r| r.sort = Sort::Date);
        assert_eq!((r.total_hits, r.unit), (4, Unit::Articles));
        assert_eq!(ids(&r), ["b.txt", "c.txt", "a.txt", "d.txt"]);
    }

    /// A copy ranked far below the page (past the prefix of the ranking
    /// that folding reads first) is still folded into the hit it copies,
    /// and one that the query does not match is not.
    #[test]
    fn folding_finds_copies_far_down_the_ranking() {
        let (index, fields, w) = ram_index();
        let story = PILOTS_STRIKE;
        let vocab: Vec<&str> = story.split_whitespace().collect();
        let add = |id: &str, body: &str, day: u32| {
            let d = NewsDoc::for_test(id, "Harbour news", body).with_facts(
                Some((2014, 1 + day / 28, 1 + day % 28)),
                &[],
                &[],
            );
            w.add_document(fields.to_doc(&d)).unwrap();
        };
        add("first.txt", story, 60);
        add("copy.txt", &story.replace("midnight", "dawn"), 1);
        add("unmatched.txt", &story.replace("port", "quay"), 2);
        for i in 0..30 {
            let body: Vec<&str> = (0..45)
                .map(|k| vocab[(i * 7 + k * k * 13 + k) % vocab.len()])
                .collect();
            add(
                &format!("other{i}.txt"),
                &format!("port {}", body.join(" ")),
                10 + i as u32,
            );
        }
        let ix = committed(index, fields, w);
        let r = run(&ix, "port", |r| {
            r.duplicates = Duplicates::Fold;
            r.sort = Sort::Date;
            r.limit = 1;
        });
        assert_eq!(ids(&r), ["first.txt"]);
        assert_eq!(r.hits[0].duplicates, ["copy.txt"]);
        assert_eq!(r.total_hits, 32);
    }

    #[test]
    fn count_only_reads_no_documents() {
        let ix = index();
        let r = run(&ix, "reactor", |r| r.count_only = true);
        assert_eq!(r.total_hits, 4);
        assert!(r.hits.is_empty());
    }
}
