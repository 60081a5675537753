//! Loading content: walk `content/`, split front matter, build pages and
//! sections, and link them into a [`library::Library`]. Derived views
//! (taxonomies, pagination) are computed from the library, never stored in it.

pub mod dates;
pub mod front_matter;
pub mod library;
pub mod page;
pub mod paginate;
pub mod section;
pub mod static_files;
pub mod taxonomy;
pub mod vocabulary;
pub mod walk;
