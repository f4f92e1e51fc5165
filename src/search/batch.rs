//! `search --queries FILE`: a file of saved queries read into requests, and
//! the `similar:ID rest…` query form.

use super::Request;
use anyhow::{Context, anyhow};
use std::path::Path;

/// `--queries FILE`: one query a line, or `name<TAB>query`; blank lines
/// and `#` comments skipped. Every query is parsed before any runs, so a
/// mistake on line 300 costs nothing. Each request is `base` with the
/// line's query (and its `similar:ID`, if any).
pub fn read_queries(file: &Path, base: &Request) -> anyhow::Result<Vec<(String, Request)>> {
    let text = std::fs::read_to_string(file)
        .with_context(|| format!("cannot read the queries in {}", file.display()))?;
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let at = || format!("{}:{}", file.display(), i + 1);
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        let (name, q) = match line.split_once('\t') {
            Some((name, q)) => (name.trim(), q.trim()),
            None => (line.trim(), line.trim()),
        };
        anyhow::ensure!(!q.is_empty(), "{}: no query after the name {name:?}", at());
        anyhow::ensure!(
            !name.is_empty(),
            "{}: a query needs a name before the tab",
            at()
        );
        let (like, query) = split_like(q);
        super::query::parse(&query, base.default_operator)
            .map_err(|e| anyhow!("{}: query {name:?}: {e}", at()))?;
        out.push((
            name.to_string(),
            Request {
                query,
                like: like.or_else(|| base.like.clone()),
                ..base.clone()
            },
        ));
    }
    anyhow::ensure!(!out.is_empty(), "{} holds no query", file.display());
    Ok(out)
}

/// `similar:ID rest…`: the id apart, the rest the query (`*` if none).
pub fn split_like(q: &str) -> (Option<String>, String) {
    match q.trim_start().strip_prefix("similar:") {
        Some(rest) => {
            let (id, more) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
            let more = more.trim();
            let query = if more.is_empty() { "*" } else { more };
            (Some(id.to_string()), query.to_string())
        }
        None => (None, q.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn similar_prefix_splits_the_id_from_the_rest() {
        assert_eq!(
            split_like("similar:a/b.txt"),
            (Some("a/b.txt".into()), "*".into())
        );
        assert_eq!(
            split_like("similar:x.txt japan trade"),
            (Some("x.txt".into()), "japan trade".into())
        );
        assert_eq!(split_like("japan"), (None, "japan".into()));
    }

    #[test]
    fn a_bad_query_names_its_line_before_anything_runs() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("q.tsv");
        std::fs::write(&file, "# names\nok\tjapan\n\nbad\t\"open phrase\n").unwrap();
        let err = read_queries(&file, &Request::default())
            .unwrap_err()
            .to_string();
        assert!(err.contains("q.tsv:4") && err.contains("\"bad\""), "{err}");
        std::fs::write(&file, "ok\tjapan\nplain words\n").unwrap();
        let qs = read_queries(&file, &Request::default()).unwrap();
        assert_eq!(qs.len(), 2);
        assert_eq!(
            (qs[1].0.as_str(), qs[1].1.query.as_str()),
            ("plain words", "plain words")
        );
    }
}
