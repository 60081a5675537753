//! Rendering templates: the theme's and the site's templates, the values
//! they see, and the list of files a build renders.

pub mod templates;
