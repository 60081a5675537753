//! branchpress: a static site generator for a federation of local branches.
//!
//! The build is a pipeline, one module per stage: `config` and `content`
//! load, `markdown` and `render` render, [`output`] writes. [`build`] runs
//! the stages in order. [`publish`] turns plain feed, sitemap and manifest
//! data into the machine-readable files a branch serves. [`cmd`] is the
//! command line and [`serve`] the preview.
//!
//! Only what the binary and the tests use is public; the stages are
//! private modules, documented in the source.

pub mod base;
pub mod build;
mod check;
pub mod cmd;
mod config;
mod content;
mod error;
mod events;
pub mod federation;
pub mod follow;
pub mod html;
pub mod images;
pub mod import;
mod markdown;
mod nesting;
pub mod output;
pub mod publish;
mod render;
mod report;
pub mod search;
pub mod serve;
mod theme;
