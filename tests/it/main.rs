//! The one integration-test binary: whole-process behaviour of `newsidx`,
//! one module per concern.

mod browser;
mod commands;
mod common;
mod duplicates;
mod extraction;
mod formats;
mod foundation;
mod hostile;
mod human;
mod incremental;
mod remote;
mod results;
mod robust;
mod search;
mod serve;
mod trouble;
mod web;
