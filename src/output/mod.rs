//! Where a build's files go, and how they are written: [`folder`] decides
//! which folder a build may replace, [`collisions`] refuses two sources
//! claiming one output path before anything is written, and [`sink`] writes
//! (a staging folder swapped in on success, or memory for `check` and
//! `serve`).

pub mod collisions;
pub mod folder;
pub mod sink;
