//! The one integration-test binary: whole-process behaviour of `newsidx`,
//! one module per concern.

mod common;
mod extraction;
mod foundation;
