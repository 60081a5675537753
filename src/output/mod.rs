//! Where a build's files go, and how they are written (see [`sink`]).

pub mod sink;
