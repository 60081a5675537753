//! Rendering: the values templates see ([`values`], [`functions`],
//! [`network`]), the templates themselves ([`templates`], and the
//! [`shortcodes`] the Markdown stage calls) and the list of HTML files to
//! produce ([`jobs`]).

pub mod dates;
pub mod events;
pub mod functions;
pub mod images;
pub mod jobs;
pub mod network;
pub mod network_events;
pub mod shortcodes;
mod template_errors;
pub mod templates;
pub mod translations;
pub mod values;
