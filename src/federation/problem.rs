//! What went wrong with a followed source, in words a reader understands.
//!
//! Public pages (the branches directory, and anything a theme prints from a
//! branch's `last_error`) must never show a system error such as
//! `Connection refused (os error 111)`: it means nothing to a reader, and it
//! tells strangers about the hub's machine. So every failure is classified
//! where it happens into a [`Problem`], stored in the cache beside the
//! technical detail; pages show only [`Problem::describe`], while the
//! terminal (the fetch table, build warnings) shows both, through
//! [`Failure`].

use std::fmt;

use serde::{Deserialize, Serialize};

use super::fetch::FetchError;
use super::parse::ParseError;

/// The kind of trouble a source had, as a reader would put it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Problem {
    /// The server could not be reached (refused, no such host, network down).
    CouldNotConnect,
    /// No answer, or not all of it, in time.
    TookTooLong,
    /// The server answered with this error status.
    ServerAnswered(u16),
    /// The answer was larger than `max_body`.
    TooLarge,
    /// Redirect after redirect.
    TooManyRedirects,
    /// An address learned from another server (a redirect, a `branch.json`)
    /// points into a private or local network, and was not asked.
    PrivateAddress,
    /// The address answered, but with neither a feed nor a branch site.
    NotAFeed,
    /// The body (or the local file) could not be read as a feed.
    Unreadable,
    /// The feed was read, and held no entries.
    NoEntries,
    /// Never fetched yet.
    NotFetchedYet,
    /// Anything else (and errors remembered by older caches).
    #[default]
    Other,
}

impl Problem {
    /// Its name for a theme (`could_not_connect`, `server_answered`), which
    /// writes [`Problem::describe`]'s words in the page's language
    /// (`trans(key="problem_" ~ branch.problem)`).
    pub fn name(self) -> &'static str {
        match self {
            Problem::CouldNotConnect => "could_not_connect",
            Problem::TookTooLong => "took_too_long",
            Problem::ServerAnswered(_) => "server_answered",
            Problem::TooLarge => "too_large",
            Problem::TooManyRedirects => "too_many_redirects",
            Problem::PrivateAddress => "private_address",
            Problem::NotAFeed => "not_a_feed",
            Problem::Unreadable => "unreadable",
            Problem::NoEntries => "no_entries",
            Problem::NotFetchedYet => "not_fetched_yet",
            Problem::Other => "other",
        }
    }

    /// The status a server answered with, for `server_answered`.
    pub fn status(self) -> Option<u16> {
        match self {
            Problem::ServerAnswered(status) => Some(status),
            _ => None,
        }
    }

    /// The plain words for the public pages: no system detail, no path.
    pub fn describe(self) -> String {
        match self {
            Problem::CouldNotConnect => "could not connect".to_owned(),
            Problem::TookTooLong => "took too long to answer".to_owned(),
            Problem::ServerAnswered(status) => format!("the server answered {status}"),
            Problem::TooLarge => "the feed was larger than the size limit".to_owned(),
            Problem::TooManyRedirects => "the address sent us on too many redirects".to_owned(),
            Problem::PrivateAddress => "refused: it sent us to a private or local address".to_owned(),
            Problem::NotAFeed => "the address is neither a feed nor a branch site".to_owned(),
            Problem::Unreadable => "the feed could not be read".to_owned(),
            Problem::NoEntries => "no entries found".to_owned(),
            Problem::NotFetchedYet => "not checked yet".to_owned(),
            Problem::Other => "the feed could not be fetched".to_owned(),
        }
    }
}

impl From<&FetchError> for Problem {
    fn from(error: &FetchError) -> Problem {
        match error {
            FetchError::Status(status) => Problem::ServerAnswered(*status),
            FetchError::TooLarge(_) => Problem::TooLarge,
            FetchError::TooManyRedirects => Problem::TooManyRedirects,
            FetchError::Timeout(_) => Problem::TookTooLong,
            FetchError::Connect(_) => Problem::CouldNotConnect,
            FetchError::Refused(_) => Problem::PrivateAddress,
            FetchError::Http(_) => Problem::Other,
        }
    }
}

/// A failed step for one source: the plain words and the technical detail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// What to tell readers.
    pub problem: Problem,
    /// What happened, for the editor's terminal (may hold system errors and paths).
    pub detail: String,
}

impl Failure {
    /// A failure of kind `problem` with `detail`.
    pub fn new(problem: Problem, detail: impl Into<String>) -> Failure {
        Failure { problem, detail: detail.into() }
    }
}

impl From<FetchError> for Failure {
    fn from(error: FetchError) -> Failure {
        Failure::new(Problem::from(&error), error.to_string())
    }
}

impl From<ParseError> for Failure {
    fn from(error: ParseError) -> Failure {
        Failure::new(Problem::Unreadable, error.to_string())
    }
}

/// For the terminal: the plain words, then the detail (once, when the detail already starts with them).
impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let words = self.problem.describe();
        if self.detail.starts_with(&words) { f.write_str(&self.detail) } else { write!(f, "{words} ({})", self.detail) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_words_never_carry_the_system_detail() {
        let refused = FetchError::Connect("Connection refused (os error 111)".to_owned());
        let failure = Failure::from(refused);
        assert_eq!(failure.problem.describe(), "could not connect");
        assert_eq!(failure.to_string(), "could not connect: Connection refused (os error 111)");
        let slow = Failure::from(FetchError::Timeout("recvresponse".to_owned()));
        assert_eq!(slow.to_string(), "took too long to answer (timed out (recvresponse))");
        assert_eq!(Problem::from(&FetchError::Status(500)).describe(), "the server answered 500");
    }

    #[test]
    fn problems_round_trip_through_the_cache_format() {
        for problem in [Problem::ServerAnswered(503), Problem::CouldNotConnect, Problem::Other] {
            let json = serde_json::to_string(&problem).unwrap();
            assert_eq!(serde_json::from_str::<Problem>(&json).unwrap(), problem, "{json}");
        }
    }
}
