//! Where a search runs: the local tantivy index or an OpenSearch cluster.
//! Both answer with the same plain values ([`Results`], [`StoredDoc`]), so
//! `search`, `check` and `eval` render and judge either without knowing
//! which they got.

use crate::document::StoredDoc;
use crate::index::NewsIndex;
use crate::remote::Remote;
use crate::search::{self, Request, Results};
use anyhow::Result;

pub trait Backend {
    /// Run a search request.
    fn search(&self, req: &Request) -> Result<Results>;
    /// The stored document with this id, if there is one.
    fn get_by_id(&self, id: &str) -> Result<Option<StoredDoc>>;
}

impl Backend for NewsIndex {
    fn search(&self, req: &Request) -> Result<Results> {
        search::search(self, req)
    }

    fn get_by_id(&self, id: &str) -> Result<Option<StoredDoc>> {
        search::get_by_id(self, id)
    }
}

impl Backend for Remote {
    fn search(&self, req: &Request) -> Result<Results> {
        Remote::search(self, req)
    }

    fn get_by_id(&self, id: &str) -> Result<Option<StoredDoc>> {
        Remote::get_by_id(self, id)
    }
}
