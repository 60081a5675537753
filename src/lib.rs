//! branchpress: a static site generator for a federation of local branches.
//!
//! The build is a pipeline, one module per stage:
//! [`config`] and [`content`] load, [`markdown`] and [`render`] render,
//! [`output`] writes. [`build`] runs the stages in order. [`publish`] turns
//! plain feed, sitemap and manifest data into the machine-readable files a
//! branch serves.

pub mod build;
pub mod check;
pub mod cli;
pub mod config;
pub mod content;
pub mod error;
pub mod federation;
pub mod html;
pub mod init;
pub mod markdown;
pub mod nesting;
pub mod output;
pub mod publish;
pub mod render;
pub mod report;
pub mod serve;
