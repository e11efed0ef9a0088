//! Follows pagination tokens (Organizations `NextToken`, IAM `Marker`) to the last page.

use crate::call::Error;
use crate::paging::Tokens;
use std::future::Future;

/// Fetches every page: `fetch(token)` returns one page's items and the next token (`None` on the
/// last page; a page may be empty while more remain). A token the listing already followed
/// (repeated at once, or a cycle A → B → A) is an error rather than an endless loop.
pub async fn collect<T, F, Fut>(operation: &'static str, mut fetch: F) -> Result<Vec<T>, Error>
where
    F: FnMut(Option<String>) -> Fut,
    Fut: Future<Output = Result<(Vec<T>, Option<String>), Error>>,
{
    let mut items = Vec::new();
    let mut tokens = Tokens::new(operation);
    let mut token: Option<String> = None;
    loop {
        let (page, next) = fetch(token.take()).await?;
        items.extend(page);
        match tokens.next(next)? {
            Some(next) => token = Some(next),
            None => return Ok(items),
        }
    }
}

/// IAM's next marker: `Ok(None)` on the last page (`IsTruncated` false; a stray marker is
/// ignored). A truncated page without a marker cannot be continued: that is an error
/// (`IncompletePage`), never a listing taken as complete.
pub fn iam_next(
    operation: &'static str,
    is_truncated: bool,
    marker: Option<&str>,
) -> Result<Option<String>, Error> {
    match (is_truncated, marker) {
        (false, _) => Ok(None),
        (true, Some(marker)) if !marker.is_empty() => Ok(Some(marker.to_string())),
        (true, _) => Err(Error::incomplete_page(operation)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::call::ErrorKind;

    #[tokio::test]
    async fn every_page_is_collected_including_empty_ones() {
        let pages = [
            (vec![1, 2], Some("a")),
            (vec![], Some("b")),
            (vec![3], None),
        ];
        let items = collect("Op", |token| {
            let index = match token.as_deref() {
                None => 0,
                Some("a") => 1,
                _ => 2,
            };
            let (items, next) = pages[index].clone();
            async move { Ok((items, next.map(str::to_string))) }
        })
        .await
        .expect("pages");
        assert_eq!(items, vec![1, 2, 3]);
    }

    #[tokio::test]
    async fn a_repeated_token_is_an_error_not_a_loop() {
        let err = collect::<u8, _, _>("ListAccounts", |_| async {
            Ok((vec![], Some("same".to_string())))
        })
        .await
        .expect_err("loop");
        assert_eq!(
            err.to_string(),
            "ListAccounts: PaginationLoop: the service returned the same pagination token twice"
        );
        assert_eq!(err.kind, ErrorKind::Other);
    }

    #[tokio::test]
    async fn a_token_cycle_is_an_error_not_a_loop() {
        // a → b → a: each token differs from the one just asked for, the listing never ends.
        let mut calls = 0;
        let err = collect::<u8, _, _>("ListAccessKeys", |token| {
            calls += 1;
            let next = match token.as_deref() {
                Some("a") => "b",
                _ => "a",
            };
            async move { Ok((vec![1], Some(next.to_string()))) }
        })
        .await
        .expect_err("cycle");
        assert_eq!(
            (err.operation, err.code.as_str()),
            ("ListAccessKeys", "PaginationLoop")
        );
        assert_eq!(calls, 3, "stopped at the first token seen before");
    }

    #[test]
    fn the_last_iam_page_has_no_next_marker_even_if_one_is_sent() {
        assert_eq!(iam_next("ListMFADevices", false, None), Ok(None));
        assert_eq!(iam_next("ListMFADevices", false, Some("stray")), Ok(None));
    }

    #[test]
    fn a_truncated_iam_page_continues_from_its_marker() {
        assert_eq!(
            iam_next("ListMFADevices", true, Some("m2")),
            Ok(Some("m2".to_string()))
        );
    }

    #[test]
    fn a_truncated_iam_page_without_a_marker_is_an_incomplete_listing() {
        for marker in [None, Some("")] {
            let err = iam_next("ListAccessKeys", true, marker).expect_err("incomplete");
            assert_eq!(
                err.to_string(),
                "ListAccessKeys: IncompletePage: the service said more results follow but gave no marker to fetch them"
            );
            assert_eq!(err.kind, ErrorKind::Transient);
        }
    }

    /// Serves IAM-style pages (items, IsTruncated, Marker) keyed by the marker asked for.
    async fn iam_listing(
        pages: &[(Vec<u8>, bool, Option<&'static str>)],
    ) -> Result<Vec<u8>, Error> {
        collect("ListSigningCertificates", |marker| {
            let index = match marker.as_deref() {
                None => 0,
                Some(m) => m[1..].parse::<usize>().expect("marker index"),
            };
            let (items, truncated, next) = pages[index].clone();
            async move {
                let next = iam_next("ListSigningCertificates", truncated, next)?;
                Ok((items, next))
            }
        })
        .await
    }

    #[tokio::test]
    async fn an_iam_listing_follows_markers_to_the_untruncated_page() {
        let items = iam_listing(&[
            (vec![1], true, Some("m1")),
            (vec![], true, Some("m2")),
            (vec![2, 3], false, None),
        ])
        .await
        .expect("complete listing");
        assert_eq!(items, vec![1, 2, 3]);
    }

    #[tokio::test]
    async fn an_iam_listing_cut_short_is_an_error_not_a_short_list() {
        let err = iam_listing(&[(vec![1], true, Some("m1")), (vec![2], true, None)])
            .await
            .expect_err("incomplete");
        assert_eq!(err.code, "IncompletePage");
        assert_eq!(err.operation, "ListSigningCertificates");
    }
}
