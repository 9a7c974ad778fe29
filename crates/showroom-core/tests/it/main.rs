//! The core's integration tests in one binary (linked once): each module is one area,
//! on real SQLite files and real tantivy indexes in temporary folders. The import's
//! memory test stays a binary of its own (`tests/import_memory.rs`): it counts every
//! allocation of its process.

mod bad_bundles;
mod bindings;
mod catalog;
mod failures;
mod inquiry;
mod locales;
mod properties;
mod relevance;
mod tie_order;
