//! newsidx: a search engine for news archives.
//!
//! The pipeline, in the order data flows through it: [`corpus`] walks a
//! directory and reads each file's bytes, decoding them to text; [`article`]
//! recognises the format and normalizes the text into an [`article::Article`]
//! (title, body, credit, date, …); [`extract`] finds the ministers and
//! countries the article names; [`document`] joins these with the file's
//! identity into a [`document::NewsDoc`], the one value that [`index`] writes
//! to tantivy. [`indexer`] is the engine that runs these stages over a
//! corpus, incrementally: it decides which files need reading and keeps the
//! index in step with the folder. On the way back, [`search`] turns a query
//! into tantivy queries, ranks, and highlights, producing plain
//! [`search::Hit`]s that [`render`] prints as text or JSON. [`cmd`] is the
//! glue from the command line to one library call and one renderer; only
//! [`index`] and [`search`] know tantivy.

pub mod alloc;
pub mod article;
pub mod backend;
pub mod check;
pub mod cli;
pub mod cmd;
pub mod corpus;
pub mod document;
pub mod eval;
pub mod exit;
pub mod extract;
pub mod fingerprint;
pub mod index;
pub mod indexer;
pub mod model;
pub mod pipeline;
pub mod remote;
pub mod render;
pub mod search;
pub mod serve;
