//! The command line, as clap derive types. clap stops here: commands receive
//! these raw values and resolve them into the library's own settings.

use crate::corpus::read;
use crate::{indexer, search};
use clap::{ArgMatches, Args, FromArgMatches, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use std::sync::LazyLock;

#[derive(Debug, Parser)]
#[command(
    name = "newsidx",
    version,
    about = "Index a directory of news articles and search it",
    long_about = "newsidx normalizes news articles (plain text, Markdown, HTML, JSON) into structured documents — \
title, body, date, section, credit, the ministers and countries they mention — indexes them with tantivy, \
and answers ranked, highlighted queries.",
    after_help = "Examples:\n  newsidx index sample-corpus\n  newsidx search '\"rare earth\"'\n  newsidx search 'nuclear country:japan' --format json\n\nExit codes: 0 success (hits), 1 no hits, 2 error."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Index a corpus directory (incrementally; creates the index if needed)
    #[command(
        after_help = "Examples:\n  newsidx index sample-corpus\n  newsidx index ~/archive --index /var/lib/newsidx --format json\n  newsidx index ~/archive --rebuild"
    )]
    Index(Deferred<IndexArgs>),
    /// Send a corpus to an OpenSearch index (incrementally; creates it if needed)
    #[command(
        after_help = "The remote index gets settings and mappings generated from schema/news.toml; documents go\nthrough the same pipeline as `index`, in _bulk batches, _id = our id. A second push of an\nunchanged corpus sends nothing. Search it with `newsidx search QUERY --remote URL`.\n\nCredentials: $NEWSIDX_REMOTE_AUTH = user:password, or `ApiKey KEY` (never in the URL).\n\nExamples:\n  newsidx push sample-corpus --to http://localhost:9200\n  newsidx push ~/archive --to https://a:9200,https://b:9200 --name news --shards 3 --replicas 1\n  NEWSIDX_REMOTE=http://localhost:9200 newsidx push ~/archive --rebuild"
    )]
    Push(Deferred<PushArgs>),
    /// Search the index
    #[command(
        after_help = "Query syntax:\n  rare earth            both words (AND by default; --default-operator or)\n  \"rare earth\"          the phrase\n  nuclear OR atomic     either; also AND, NOT, +term, -term, (grouping)\n  title:fukushima       one field; country:japan, minister:gemba, section:energy\n  gemba~1  fuku*        fuzzy (edit distance 1 or 2), prefix\n  date:2011-03          a year, month or day (or --since/--until)\n  *                     every article (with filters: '*' --country JP)\n\nExamples:\n  newsidx search Fukushima\n  newsidx search '\"rare earth\" -china' --limit 5\n  newsidx search nuclear --country JP --format json\n\nExit codes: 0 hits, 1 no hits, 2 error."
    )]
    Search(Deferred<SearchArgs>),
    /// List the articles most like a given one
    #[command(
        after_help = "Ranks articles by the terms that weigh most in the article's title and body\n(frequent in it, rare in the index); the article itself is left out.\nThe same as `newsidx search 'similar:ID'` or `newsidx search '*' --like ID`.\n\nExamples:\n  newsidx similar energy/india-japan-rare-earth-pact.txt\n  newsidx similar energy/india-japan-rare-earth-pact.txt -n 3 --format csv\n\nExit codes: 0 hits, 1 none, 2 error (no such article)."
    )]
    Similar(Deferred<SimilarArgs>),
    /// Show what the pipeline makes of article files, without indexing
    #[command(
        after_help = "Examples:\n  newsidx parse sample-corpus/energy/india-japan-rare-earth-pact.txt\n  newsidx parse a.html b.json --format json"
    )]
    Parse(Deferred<ParseArgs>),
    /// Print the document model in force (schema/news.toml)
    #[command(
        after_help = "Examples:\n  newsidx schema\n  newsidx schema --format json | jq '.fields[].name'"
    )]
    Schema(Deferred<SchemaArgs>),
    /// Print one stored document by id
    #[command(
        after_help = "Examples:\n  newsidx show energy/india-japan-rare-earth-pact.txt\n  newsidx show energy/india-japan-rare-earth-pact.txt --format json | jq .document.countries\n\nExit codes: 0 shown, 2 no such document or no index."
    )]
    Show(Deferred<ShowArgs>),
    /// Print statistics about the index
    #[command(
        after_help = "Reports documents, size on disk, segments, date range, sections, and the most-named\ncountries and ministers (documents naming each).\n\nExamples:\n  newsidx stats\n  newsidx stats --top 20\n  newsidx stats --format json | jq .documents\n  newsidx stats --remote http://localhost:9200   # the same counts of an OpenSearch index"
    )]
    Stats(Deferred<StatsArgs>),
    /// Run saved queries with expectations (for CI)
    #[command(
        after_help = "QUERIES.toml holds [[query]] tables:\n  [[query]]\n  name = \"rare earth pact first\"\n  q = '\"rare earth\"'\n  min_hits = 3                 # also max_hits\n  first = \"energy/india-japan-rare-earth-pact.txt\"\n  must_include = [\"energy/japan-vietnam-nuclear-rare-earth-deal.txt\"]   # in the top_k (10)\n  must_not_include = [\"economy/thanksgiving-turkey-prices-record.txt\"]  # among all hits\n  top_facet = { section = \"energy\" }   # or country, minister\n  default_operator = \"or\"      # default and\n\nPrints PASS/FAIL per query and `N passed, N failed`.\n\nExamples:\n  newsidx check tests/data/sample-queries.toml\n  newsidx check queries.toml --format junit > check-report.xml\n\nExit codes: 0 all passed, 1 some failed, 2 a query or the file is invalid."
    )]
    Check(Deferred<CheckArgs>),
    /// Measure ranking quality from relevance judgments
    #[command(
        after_help = "Files are tab-separated; `#` comments, blank lines and a `query_id` header are allowed.\n  QUERIES: query_id<TAB>query\n  QRELS:   query_id<TAB>doc_id<TAB>grade   (grade 0 = not relevant, 1 relevant, 2 highly …)\nUnjudged documents count as not relevant. Metrics: P@k, MRR, MAP (over the top --depth),\nnDCG@k (gain 2^grade-1, discount log2(rank+1)).\n\nExamples:\n  newsidx eval tests/data/eval/queries.tsv tests/data/eval/qrels.tsv\n  newsidx eval queries.tsv qrels.tsv --min-ndcg 0.8 --min-map 0.7 --format json\n\nExit codes: 0 done (and thresholds met), 1 a --min-* threshold missed, 2 error."
    )]
    Eval(Deferred<EvalArgs>),
    /// Serve the archive as a web page and a JSON API (on 127.0.0.1 by default)
    #[command(
        after_help = "Pages: /?q=QUERY&country=JP&since=2011-01&sort=date&page=2 (the URL holds the whole state),\n/doc/ID (an article with the query's matches marked).\nAPI: /api/search?q=…&facet=country&timeline=1&limit=10 (the JSON of `newsidx search --format json`;\n&format=csv: its CSV; &like=ID: `--like ID`), /api/doc/ID (of `show --format json`),\n/api/stats (of `stats --format json`).\n\nExamples:\n  newsidx serve --corpus sample-corpus\n  newsidx serve --index /var/lib/newsidx --open\n  newsidx serve --bind 0.0.0.0:7700      # reachable from other machines: a warning is printed"
    )]
    Serve(Deferred<ServeArgs>),
    /// Print shell completions or a man page
    #[command(
        after_help = "Examples:\n  newsidx completions bash > ~/.local/share/bash-completion/completions/newsidx\n  newsidx completions zsh > ~/.zfunc/_newsidx\n  newsidx completions fish > ~/.config/fish/completions/newsidx.fish\n  newsidx completions man > newsidx.1 && man ./newsidx.1\n  newsidx completions man --out-dir /usr/local/share/man/man1   # newsidx.1, newsidx-search.1, …"
    )]
    Completions(Deferred<CompletionsArgs>),
}

/// A subcommand's arguments, defined only when that subcommand runs
/// (clap's `Command::defer`). Building every subcommand's arguments to run
/// one was 300,000 instructions of each `newsidx search`, about a tenth of
/// the process. Help, completions and man pages build them all, as before.
#[derive(Debug)]
pub struct Deferred<T>(pub T);

impl<T: Args> Args for Deferred<T> {
    fn augment_args(cmd: clap::Command) -> clap::Command {
        cmd.defer(|c| keeping_about(c, T::augment_args))
    }

    fn augment_args_for_update(cmd: clap::Command) -> clap::Command {
        cmd.defer(|c| keeping_about(c, T::augment_args_for_update))
    }

    fn group_id() -> Option<clap::Id> {
        T::group_id()
    }
}

/// `augment` applied to a subcommand, keeping the subcommand's own about
/// text (the variant's doc comment) over that of the arguments' struct, as
/// when clap builds them eagerly.
fn keeping_about(cmd: clap::Command, augment: fn(clap::Command) -> clap::Command) -> clap::Command {
    let about = cmd.get_about().cloned();
    let long_about = cmd.get_long_about().cloned();
    let cmd = augment(cmd).about(None::<&str>).long_about(None::<&str>);
    let cmd = match about {
        Some(a) => cmd.about(a),
        None => cmd,
    };
    match long_about {
        Some(a) => cmd.long_about(a),
        None => cmd,
    }
}

impl<T: FromArgMatches> FromArgMatches for Deferred<T> {
    fn from_arg_matches(matches: &ArgMatches) -> Result<Self, clap::Error> {
        T::from_arg_matches(matches).map(Deferred)
    }

    fn from_arg_matches_mut(matches: &mut ArgMatches) -> Result<Self, clap::Error> {
        T::from_arg_matches_mut(matches).map(Deferred)
    }

    fn update_from_arg_matches(&mut self, matches: &ArgMatches) -> Result<(), clap::Error> {
        self.0.update_from_arg_matches(matches)
    }

    fn update_from_arg_matches_mut(&mut self, matches: &mut ArgMatches) -> Result<(), clap::Error> {
        self.0.update_from_arg_matches_mut(matches)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum ColorChoice {
    #[default]
    Auto,
    Always,
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum OutputFormat {
    #[default]
    Text,
    Json,
    Ndjson,
    // A header and one row per hit (search and similar only).
    Csv,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum SummaryFormat {
    #[default]
    Text,
    Json,
}

#[derive(Debug, Args, Clone, Default)]
pub struct IndexLocation {
    /// Index directory [default: $NEWSIDX_INDEX, else ./.newsidx]
    #[arg(long, value_name = "DIR", env = "NEWSIDX_INDEX")]
    pub index: Option<PathBuf>,
}

impl IndexLocation {
    pub fn resolve(&self) -> PathBuf {
        self.index
            .clone()
            .unwrap_or_else(|| PathBuf::from(".newsidx"))
    }
}

/// Where a search runs when not on the local index.
#[derive(Debug, Args, Clone)]
pub struct RemoteTarget {
    /// Use an OpenSearch index instead of the local one: node address(es),
    /// comma-separated; `--remote` alone takes $NEWSIDX_REMOTE
    #[arg(long, value_name = "URL", num_args = 0..=1, default_missing_value = "")]
    pub remote: Option<String>,
    /// Name of the remote index
    #[arg(long = "name", value_name = "NAME", default_value = "news")]
    pub remote_name: String,
}

impl Default for RemoteTarget {
    fn default() -> Self {
        RemoteTarget {
            remote: None,
            remote_name: "news".to_string(),
        }
    }
}

impl RemoteTarget {
    /// The node addresses to use, if a remote was asked for.
    pub fn urls(&self) -> Result<Option<String>, String> {
        match self.remote.as_deref() {
            None => Ok(None),
            Some("") => match std::env::var("NEWSIDX_REMOTE") {
                Ok(v) if !v.trim().is_empty() => Ok(Some(v)),
                _ => Err("--remote without an address needs $NEWSIDX_REMOTE".to_string()),
            },
            Some(u) => Ok(Some(u.to_string())),
        }
    }
}

#[derive(Debug, Args)]
pub struct PushArgs {
    /// The corpus directory
    pub corpus: PathBuf,
    /// Node address(es) of the cluster, comma-separated
    #[arg(long, value_name = "URL", env = "NEWSIDX_REMOTE")]
    pub to: String,
    /// Name of the remote index
    #[arg(long, value_name = "NAME", default_value = "news")]
    pub name: String,
    /// Delete and recreate the remote index first
    #[arg(long)]
    pub rebuild: bool,
    /// Primary shards of a new index [default: the cluster's]
    #[arg(long, value_name = "N")]
    pub shards: Option<u32>,
    /// Replicas of a new index [default: the cluster's]
    #[arg(long, value_name = "N")]
    pub replicas: Option<u32>,
    /// Largest _bulk request, in MiB
    #[arg(long, value_name = "MIB", default_value_t = 8, value_parser = clap::value_parser!(u64).range(1..=90))]
    pub batch_mib: u64,
    /// _bulk requests sent at once (the cluster indexes one while the next
    /// is sent)
    #[arg(long, value_name = "N", default_value_t = 2, value_parser = clap::value_parser!(u64).range(1..=16))]
    pub in_flight: u64,
    /// Skip files larger than this (e.g. 16M, 512K)
    #[arg(long, value_name = "SIZE", default_value = "16M", value_parser = parse_size)]
    pub max_file_size: u64,
    /// Follow symbolic links
    #[arg(long)]
    pub follow_links: bool,
    /// Exit 2 if any file was skipped for a problem or any document refused
    #[arg(long)]
    pub strict: bool,
    #[arg(long, value_enum, default_value_t)]
    pub format: SummaryFormat,
}

#[derive(Debug, Args)]
pub struct IndexArgs {
    /// The corpus directory
    pub corpus: PathBuf,
    #[command(flatten)]
    pub location: IndexLocation,
    /// Start from an empty index instead of updating
    #[arg(long)]
    pub rebuild: bool,
    /// The corpus was moved or renamed: re-point the index at CORPUS,
    /// keeping what it holds (only files that changed are read again)
    #[arg(long, conflicts_with = "rebuild")]
    pub repoint: bool,
    /// Summary format when not on a terminal (and always for json)
    #[arg(long, value_enum, default_value_t)]
    pub format: SummaryFormat,
    /// Skip files larger than this many bytes (suffixes K, M, G accepted)
    #[arg(long, value_name = "SIZE", default_value = MAX_FILE_SIZE_DEFAULT.as_str(), value_parser = parse_size)]
    pub max_file_size: u64,
    /// Skip a file whose parse takes longer than this many seconds (0: no limit)
    #[arg(long, value_name = "SECS", default_value_t = crate::article::budget::DEFAULT_MAX_SECONDS)]
    pub max_file_secs: u64,
    /// Follow symbolic links (with loop detection)
    #[arg(long)]
    pub follow_links: bool,
    /// Exit 2 if any file was skipped (after committing everything else)
    #[arg(long)]
    pub strict: bool,
    /// Commit at least every this many seconds during long runs (0: never by time)
    #[arg(long, value_name = "SECS", default_value_t = indexer::DEFAULT_COMMIT_SECS)]
    pub commit_secs: u64,
    /// Commit at least every this many changed documents during long runs (0: never by count)
    #[arg(long, value_name = "N", default_value_t = indexer::DEFAULT_COMMIT_DOCS)]
    pub commit_docs: usize,
    /// Never draw a progress bar
    #[arg(long)]
    pub no_progress: bool,
    /// Skip minister and country extraction (to measure its cost)
    #[arg(long, hide = true)]
    pub no_extract: bool,
    /// Skip near-duplicate fingerprints (to measure their cost)
    #[arg(long, hide = true)]
    pub no_fingerprint: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum Operator {
    #[default]
    And,
    Or,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum SortBy {
    #[default]
    Score,
    Date,
}

/// `--duplicates`: what a search does with near-duplicate articles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum DuplicatesArg {
    // One hit per group, the best-ranked (no doc comments here: clap would
    // print the whole help in its long layout to list them).
    #[default]
    Fold,
    // Every article a hit.
    Show,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FacetName {
    Country,
    Minister,
    Section,
}

#[derive(Debug, Args, Default)]
pub struct SearchArgs {
    /// The query (`similar:ID` for articles like the one with that id)
    #[arg(required_unless_present = "queries")]
    pub query: Option<String>,
    /// Run every query of FILE, one a line (`#` comments), or `name<TAB>query`
    #[arg(long, value_name = "FILE", conflicts_with = "query")]
    pub queries: Option<PathBuf>,
    /// Only articles like the one with this id, most alike first
    #[arg(long, value_name = "ID")]
    pub like: Option<String>,
    #[command(flatten)]
    pub location: IndexLocation,
    #[command(flatten)]
    pub target: RemoteTarget,
    /// Bring the index of this corpus up to date first, then search it
    #[arg(long, value_name = "DIR")]
    pub corpus: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t)]
    pub format: OutputFormat,
    /// Number of hits to show (0: every hit, as --all)
    #[arg(long, short = 'n', default_value_t = search::DEFAULT_LIMIT)]
    pub limit: usize,
    /// Show every hit, written as it is read (as --limit 0)
    #[arg(long, conflicts_with = "limit")]
    pub all: bool,
    /// Hits to skip (for paging)
    #[arg(long, default_value_t = 0)]
    pub offset: usize,
    /// How bare terms combine
    #[arg(long, value_enum, default_value_t)]
    pub default_operator: Operator,
    /// Add the words the best hits share to the query (pseudo-relevance feedback)
    #[arg(long)]
    pub expand: bool,
    #[arg(long, value_enum, default_value_t)]
    pub sort: SortBy,
    /// Near-duplicates (the same story filed again): fold them into the best-ranked hit, "+N similar", and count groups; or show every article
    #[arg(long, value_enum, default_value_t)]
    pub duplicates: DuplicatesArg,
    /// Only articles dated on or after this day (YYYY-MM-DD)
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    /// Only articles dated on or before this day (YYYY-MM-DD)
    #[arg(long, value_name = "DATE")]
    pub until: Option<String>,
    /// Only articles that refer to this country (name, code or adjective)
    #[arg(long, value_name = "COUNTRY")]
    pub country: Vec<String>,
    /// Only articles that name this minister
    #[arg(long, value_name = "NAME")]
    pub minister: Vec<String>,
    /// Count hits by this field (over all hits, near-duplicates once unless --duplicates show)
    #[arg(long, value_enum)]
    pub facet: Vec<FacetName>,
    /// Draw the number of hits per month or year
    #[arg(long)]
    pub timeline: bool,
    /// Characters of text per snippet
    #[arg(long, value_name = "N", default_value_t = search::DEFAULT_SNIPPET_CHARS)]
    pub snippet_chars: usize,
    /// Passages per snippet, joined by ' … '
    #[arg(long, value_name = "N", default_value_t = search::DEFAULT_FRAGMENTS)]
    pub fragments: usize,
    /// Print only the number of hits, near-duplicates counted once unless --duplicates show (JSON: `{"version", "total_hits", "unit", "total_articles"}`)
    #[arg(long, conflicts_with_all = ["limit", "all", "offset", "sort", "facet", "timeline", "snippet_chars", "fragments"])]
    pub count: bool,
    /// Exit 1 when fewer than N documents match
    #[arg(long, value_name = "N")]
    pub min_hits: Option<usize>,
    #[arg(long, value_enum, default_value_t)]
    pub color: ColorChoice,
}

#[derive(Debug, Args)]
pub struct SimilarArgs {
    /// The article's id, as `search` prints it
    pub id: String,
    #[command(flatten)]
    pub location: IndexLocation,
    #[arg(long, value_enum, default_value_t)]
    pub format: OutputFormat,
    /// Number of articles to show (0: all)
    #[arg(long, short = 'n', default_value_t = crate::search::DEFAULT_LIMIT)]
    pub limit: usize,
    /// Articles to skip (for paging)
    #[arg(long, default_value_t = 0)]
    pub offset: usize,
    #[arg(long, value_enum, default_value_t)]
    pub color: ColorChoice,
}

impl SimilarArgs {
    /// `newsidx search '*' --like ID` with these flags.
    pub fn into_search(self) -> SearchArgs {
        SearchArgs {
            query: Some("*".into()),
            like: Some(self.id),
            location: self.location,
            format: self.format,
            limit: self.limit,
            offset: self.offset,
            color: self.color,
            snippet_chars: crate::search::DEFAULT_SNIPPET_CHARS,
            fragments: crate::search::DEFAULT_FRAGMENTS,
            ..SearchArgs::default()
        }
    }
}

#[derive(Debug, Args)]
pub struct ParseArgs {
    /// Article files
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// The corpus the files belong to, for their ids, sections and dates
    /// from their paths [default: the corpus of the index, if the file is in
    /// it; else the nearest folder above the file that holds a .newsidx
    /// index; else the file's own folder]
    #[arg(long, value_name = "DIR")]
    pub corpus: Option<PathBuf>,
    #[command(flatten)]
    pub location: IndexLocation,
    #[arg(long, value_enum, default_value_t)]
    pub format: SummaryFormat,
}

#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// Print as JSON instead of the TOML source
    #[arg(long, value_enum, default_value_t)]
    pub format: SummaryFormat,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// Document id (path relative to the corpus root)
    pub id: String,
    #[command(flatten)]
    pub location: IndexLocation,
    #[arg(long, value_enum, default_value_t)]
    pub format: SummaryFormat,
}

#[derive(Debug, Args)]
pub struct StatsArgs {
    #[command(flatten)]
    pub location: IndexLocation,
    #[command(flatten)]
    pub target: RemoteTarget,
    #[arg(long, value_enum, default_value_t)]
    pub format: SummaryFormat,
    /// How many countries and ministers to list
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub top: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum CheckFormat {
    #[default]
    Text,
    Json,
    Junit,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// TOML file of saved queries and their expectations
    pub queries: PathBuf,
    #[command(flatten)]
    pub location: IndexLocation,
    #[command(flatten)]
    pub target: RemoteTarget,
    #[arg(long, value_enum, default_value_t)]
    pub format: CheckFormat,
}

#[derive(Debug, Args)]
pub struct EvalArgs {
    /// TSV of `query_id<TAB>query`
    pub queries: PathBuf,
    /// TSV of `query_id<TAB>doc_id<TAB>grade`
    pub qrels: PathBuf,
    #[command(flatten)]
    pub location: IndexLocation,
    #[command(flatten)]
    pub target: RemoteTarget,
    #[arg(long, value_enum, default_value_t)]
    pub format: SummaryFormat,
    /// Cutoff of P@k and nDCG@k
    #[arg(long, value_name = "K", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=10_000))]
    pub k: u64,
    /// Hits ranked per query for MRR and MAP
    #[arg(long, value_name = "N", default_value_t = 100, value_parser = clap::value_parser!(u64).range(1..=100_000))]
    pub depth: u64,
    /// How bare terms of the queries combine
    #[arg(long, value_enum, default_value_t)]
    pub default_operator: Operator,
    /// Search with pseudo-relevance feedback, as `search --expand`
    #[arg(long)]
    pub expand: bool,
    /// Exit 1 when mean P@k is below this
    #[arg(long, value_name = "X", value_parser = parse_unit)]
    pub min_precision: Option<f64>,
    /// Exit 1 when MRR is below this
    #[arg(long, value_name = "X", value_parser = parse_unit)]
    pub min_mrr: Option<f64>,
    /// Exit 1 when MAP is below this
    #[arg(long, value_name = "X", value_parser = parse_unit)]
    pub min_map: Option<f64>,
    /// Exit 1 when mean nDCG@k is below this
    #[arg(long, value_name = "X", value_parser = parse_unit)]
    pub min_ndcg: Option<f64>,
}

/// A metric threshold: a number from 0 to 1.
pub fn parse_unit(s: &str) -> Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(x) if (0.0..=1.0).contains(&x) => Ok(x),
        _ => Err(format!("{s:?} is not a number from 0 to 1")),
    }
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub location: IndexLocation,
    /// Bring the index of this corpus up to date first, then serve it
    #[arg(long, value_name = "DIR")]
    pub corpus: Option<PathBuf>,
    /// Address to listen on; anything but a loopback address exposes the archive
    #[arg(long, value_name = "ADDR:PORT", default_value = "127.0.0.1:7700")]
    pub bind: std::net::SocketAddr,
    /// Open the page in a browser: the command in $BROWSER, else xdg-open (open on macOS)
    #[arg(long)]
    pub open: bool,
    /// Cut off a search that takes longer than this many milliseconds
    #[arg(long, value_name = "MS", default_value_t = 5000)]
    pub search_timeout: u64,
    /// Close a connection whose request head takes longer than this (tests)
    #[arg(long, value_name = "MS", default_value_t = 10_000, hide = true)]
    pub head_timeout: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
    Elvish,
    Powershell,
    /// A man page (roff)
    Man,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    #[arg(value_enum)]
    pub shell: Shell,
    /// Write files into this folder instead of printing (for `man`: one page
    /// per subcommand besides newsidx.1)
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,
}

/// `--max-file-size`'s default as the flag would be written (`16M`).
static MAX_FILE_SIZE_DEFAULT: LazyLock<String> =
    LazyLock::new(|| size_arg(read::DEFAULT_MAX_FILE_SIZE));

/// `bytes` as [`parse_size`] reads it, with the largest suffix that divides
/// it exactly.
pub fn size_arg(bytes: u64) -> String {
    for (suffix, unit) in [('G', 1u64 << 30), ('M', 1 << 20), ('K', 1 << 10)] {
        if bytes >= unit && bytes.is_multiple_of(unit) {
            return format!("{}{suffix}", bytes / unit);
        }
    }
    bytes.to_string()
}

/// `16M`, `512K`, `1G` or plain bytes.
pub fn parse_size(s: &str) -> Result<u64, String> {
    let s = s.trim();
    let (num, mult) = match s.char_indices().last() {
        Some((i, c)) if c.is_ascii_alphabetic() => {
            let m = match c.to_ascii_uppercase() {
                'K' => 1u64 << 10,
                'M' => 1 << 20,
                'G' => 1 << 30,
                _ => return Err(format!("unknown size suffix {c:?}: use K, M or G")),
            };
            (&s[..i], m)
        }
        _ => (s, 1),
    };
    let n: u64 = num
        .trim()
        .parse()
        .map_err(|_| format!("{s:?} is not a size: write bytes or a number with K, M or G"))?;
    n.checked_mul(mult)
        .ok_or_else(|| format!("{s:?} is too large"))
}

// The library's own types for what the flags choose: clap stops here.

impl SearchArgs {
    /// The library's request from the command line; bad flag values are errors
    /// that name the flag.
    pub fn request(&self, query: &str) -> anyhow::Result<crate::search::Request> {
        let (like, query) = crate::search::batch::split_like(query);
        if like.is_some() && self.like.is_some() {
            anyhow::bail!(
                "give the article either as similar:ID in the query or as --like, not both"
            );
        }
        if self.queries.is_some() && self.format == OutputFormat::Json {
            anyhow::bail!(
                "--queries writes one block per query: use --format ndjson (each line tagged with its query), csv (a query column) or text"
            );
        }
        let date = |flag: &str, v: &Option<String>, last: bool| {
            v.as_deref()
                .map(|s| {
                    crate::search::query::flag_date(s, last)
                        .map_err(|e| anyhow::anyhow!("--{flag}: {e}"))
                })
                .transpose()
        };
        let filters = crate::search::build::Filters {
            since: date("since", &self.since, false)?,
            until: date("until", &self.until, true)?,
            countries: self
                .country
                .iter()
                .map(|c| {
                    crate::search::query::resolve_country(c).map_err(|e| {
                        anyhow::anyhow!("--country: {e}; {}", crate::search::query::COUNTRY_HINT)
                    })
                })
                .collect::<anyhow::Result<_>>()?,
            ministers: self.minister.clone(),
            sections: Vec::new(),
        };
        if let (Some(s), Some(u)) = (filters.since, filters.until) {
            anyhow::ensure!(
                s <= u,
                "--since {s} is after --until {u}: nothing can match"
            );
        }
        if self.format == OutputFormat::Csv && (!self.facet.is_empty() || self.timeline) {
            anyhow::bail!(
                "--facet and --timeline have no place in CSV (one row per hit): use --format json or ndjson, or run them apart"
            );
        }
        let mut facets: Vec<crate::search::facets::Facet> = Vec::new();
        for f in self
            .facet
            .iter()
            .map(|f| crate::search::facets::Facet::from(*f))
        {
            if !facets.contains(&f) {
                facets.push(f);
            }
        }
        Ok(crate::search::Request {
            query,
            like: like.or_else(|| self.like.clone()),
            // `--all` and `--limit 0`: every hit, read and written one at a time.
            limit: if self.all || self.limit == 0 {
                usize::MAX
            } else {
                self.limit
            },
            offset: self.offset,
            default_operator: self.default_operator.into(),
            sort: self.sort.into(),
            duplicates: self.duplicates.into(),
            filters,
            facets,
            facet_values: crate::search::facets::TOP,
            timeline: self.timeline,
            snippet_chars: self.snippet_chars,
            fragments: self.fragments.max(1),
            expand: self.expand,
            count_only: self.count,
        })
    }
}

impl From<OutputFormat> for crate::render::results::Format {
    fn from(f: OutputFormat) -> Self {
        match f {
            OutputFormat::Text => Self::Text,
            OutputFormat::Json => Self::Json,
            OutputFormat::Ndjson => Self::Ndjson,
            OutputFormat::Csv => Self::Csv,
        }
    }
}

impl From<Operator> for crate::search::DefaultOperator {
    fn from(o: Operator) -> Self {
        match o {
            Operator::And => Self::And,
            Operator::Or => Self::Or,
        }
    }
}

impl From<SortBy> for crate::search::Sort {
    fn from(s: SortBy) -> Self {
        match s {
            SortBy::Score => Self::Score,
            SortBy::Date => Self::Date,
        }
    }
}

impl From<DuplicatesArg> for crate::search::Duplicates {
    fn from(d: DuplicatesArg) -> Self {
        match d {
            DuplicatesArg::Fold => Self::Fold,
            DuplicatesArg::Show => Self::Show,
        }
    }
}

impl From<FacetName> for crate::search::facets::Facet {
    fn from(f: FacetName) -> Self {
        match f {
            FacetName::Country => Self::Country,
            FacetName::Minister => Self::Minister,
            FacetName::Section => Self::Section,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_valid() {
        Cli::command().debug_assert();
    }

    #[test]
    fn sizes() {
        assert_eq!(parse_size("16M"), Ok(16 << 20));
        assert_eq!(parse_size("100"), Ok(100));
        assert_eq!(parse_size("2k"), Ok(2048));
        assert!(parse_size("ten").is_err());
        assert!(parse_size("5X").is_err());
    }

    #[test]
    fn sizes_as_flags_read_back() {
        assert_eq!(size_arg(16 << 20), "16M");
        assert_eq!(size_arg(3072), "3K");
        assert_eq!(size_arg(1536), "1536");
        assert_eq!(size_arg(1000), "1000");
        for n in [0, 1, 1023, 1024, 3 << 30, (1 << 20) + 1, u64::MAX] {
            assert_eq!(parse_size(&size_arg(n)), Ok(n), "{n}");
        }
    }
}
