//! The page's stylesheet, script and icon, embedded in the binary at build
//! time (no CDN, no network, no files beside the binary). Each is served
//! under a name that carries a hash of its content, so browsers may keep it
//! forever: a new build that changes it changes its name.

use std::sync::OnceLock;

pub struct Asset {
    /// The address pages link to: `/assets/app-1a2b3c4d.css`.
    pub path: String,
    pub content_type: &'static str,
    pub body: &'static [u8],
}

const FILES: [(&str, &str, &str, &[u8]); 3] = [
    (
        "app",
        "css",
        "text/css; charset=utf-8",
        include_bytes!("assets/app.css"),
    ),
    (
        "app",
        "js",
        "text/javascript; charset=utf-8",
        include_bytes!("assets/app.js"),
    ),
    (
        "icon",
        "svg",
        "image/svg+xml",
        include_bytes!("assets/icon.svg"),
    ),
];

/// Every asset, named by content.
pub fn all() -> &'static [Asset] {
    static ALL: OnceLock<Vec<Asset>> = OnceLock::new();
    ALL.get_or_init(|| {
        FILES
            .iter()
            .map(|(stem, ext, content_type, body)| Asset {
                path: format!(
                    "/assets/{stem}-{:08x}.{ext}",
                    xxhash_rust::xxh3::xxh3_64(body) as u32
                ),
                content_type,
                body,
            })
            .collect()
    })
}

/// The asset at `path`, if any (an exact match: nothing is read from disk).
pub fn find(path: &str) -> Option<&'static Asset> {
    all().iter().find(|a| a.path == path)
}

fn by_ext(ext: &str) -> &'static str {
    all()
        .iter()
        .find(|a| a.path.ends_with(ext))
        .map_or("", |a| a.path.as_str())
}

pub fn css() -> &'static str {
    by_ext(".css")
}

pub fn js() -> &'static str {
    by_ext(".js")
}

pub fn icon() -> &'static str {
    by_ext(".svg")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn assets_are_found_by_their_hashed_names_only() {
        let css = find(css()).expect("the stylesheet");
        assert!(css.content_type.starts_with("text/css"));
        assert!(std::str::from_utf8(css.body).unwrap().contains(".hit"));
        assert!(js().starts_with("/assets/app-") && js().ends_with(".js"));
        assert!(find("/assets/app.css").is_none());
        assert!(find("/assets/../Cargo.toml").is_none());
    }
}
