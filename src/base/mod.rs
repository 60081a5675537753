//! The shared vocabulary every stage uses: site addresses and slugs
//! ([`urls`], [`slugs`]), language tags ([`languages`]), stable content
//! hashes ([`hash`]), the kinds of writing ([`kind`]), the cache
//! folder's layout ([`cache`]) and freeing large values aside ([`free`]).
//!
//! It sits below every stage and uses none of them (only [`crate::html`] for
//! rewriting addresses inside HTML), so loading, rendering, publishing,
//! federation and the preview can all speak of addresses without importing
//! each other.

pub mod branch_json;
pub mod cache;
pub mod free;
pub mod hash;
pub mod kind;
pub mod languages;
pub mod slugs;
pub mod urls;
