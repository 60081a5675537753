//! Federation: follow other branches' feeds and merge them into a network index.

pub mod merge;
pub mod parse;
pub mod sources;
