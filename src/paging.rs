//! The guard of every paged listing: the tokens one listing has been handed. A token handed
//! back that the same listing already followed (A → A, or a cycle A → B → A) is an error, never
//! an endless loop. Pure: no I/O, used by the SDK adapter and by the pipeline's page loops alike.

use crate::call::Error;
use std::collections::HashSet;

/// The tokens one listing has followed.
#[derive(Debug)]
pub struct Tokens {
    operation: &'static str,
    seen: HashSet<String>,
}

impl Tokens {
    /// A new listing of `operation` (named in the error).
    pub fn new(operation: &'static str) -> Tokens {
        Tokens {
            operation,
            seen: HashSet::new(),
        }
    }

    /// The token to ask for next, given the one a page answered: `Ok(None)` after the last page,
    /// `Err` (`PaginationLoop`) for a token this listing already followed.
    pub fn next(&mut self, answered: Option<String>) -> Result<Option<String>, Error> {
        match answered {
            None => Ok(None),
            Some(token) if !self.seen.insert(token.clone()) => {
                Err(Error::pagination_loop(self.operation))
            }
            Some(token) => Ok(Some(token)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fresh_tokens_are_followed_and_the_last_page_ends_the_listing() {
        let mut tokens = Tokens::new("ListAccounts");
        assert_eq!(tokens.next(Some("a".into())), Ok(Some("a".into())));
        assert_eq!(tokens.next(Some("b".into())), Ok(Some("b".into())));
        assert_eq!(tokens.next(None), Ok(None));
    }

    #[test]
    fn a_token_repeated_at_once_is_an_error() {
        let mut tokens = Tokens::new("ListRoots");
        assert_eq!(tokens.next(Some("a".into())), Ok(Some("a".into())));
        let err = tokens.next(Some("a".into())).expect_err("loop");
        assert_eq!(
            (err.operation, err.code.as_str()),
            ("ListRoots", "PaginationLoop")
        );
    }

    #[test]
    fn a_cycle_through_another_token_is_an_error() {
        let mut tokens = Tokens::new("ListAccountsForParent");
        assert_eq!(tokens.next(Some("a".into())), Ok(Some("a".into())));
        assert_eq!(tokens.next(Some("b".into())), Ok(Some("b".into())));
        let err = tokens
            .next(Some("a".into()))
            .expect_err("A → B → A is a cycle");
        assert_eq!(err.code, "PaginationLoop");
    }

    #[test]
    fn listings_are_guarded_apart() {
        let (mut one, mut other) = (Tokens::new("ListAccounts"), Tokens::new("ListAccounts"));
        assert_eq!(one.next(Some("a".into())), Ok(Some("a".into())));
        assert_eq!(other.next(Some("a".into())), Ok(Some("a".into())));
    }
}
