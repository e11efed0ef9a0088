//! Follows pagination tokens (Organizations `NextToken`, IAM `Marker`) to the last page.

use super::{CallError, ErrorKind};
use std::future::Future;

/// Fetches every page: `fetch(token)` returns one page's items and the next token (`None` on the
/// last page; a page may be empty while more remain). A token repeated back is an error rather
/// than an endless loop.
pub async fn collect<T, F, Fut>(operation: &'static str, mut fetch: F) -> Result<Vec<T>, CallError>
where
    F: FnMut(Option<String>) -> Fut,
    Fut: Future<Output = Result<(Vec<T>, Option<String>), CallError>>,
{
    let mut items = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let (page, next) = fetch(token.clone()).await?;
        items.extend(page);
        match next {
            Some(next) if Some(&next) == token.as_ref() => {
                return Err(CallError::new(
                    operation,
                    "PaginationLoop",
                    "the service returned the same pagination token twice",
                    ErrorKind::Other,
                ))
            }
            Some(next) => token = Some(next),
            None => return Ok(items),
        }
    }
}

/// IAM's next marker: present only while `IsTruncated` is true.
pub fn iam_next(is_truncated: bool, marker: Option<&str>) -> Option<String> {
    if is_truncated {
        marker.map(str::to_string)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(err.code, "PaginationLoop");
    }
}
