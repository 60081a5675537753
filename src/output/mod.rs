//! The output side of the build: URLs, where files go, and how they are written.

pub mod collisions;
pub mod folder;
pub mod sink;
pub mod static_files;
pub mod urls;
