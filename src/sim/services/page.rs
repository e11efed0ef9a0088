//! Opaque pagination tokens (Organizations `NextToken`, IAM `Marker`) over offsets.

const PREFIX: &str = "rsw1-";

/// A page of `items` starting at `token` (None = first page) with at most `max` entries,
/// and the token of the next page. `None` when the token is invalid.
pub(crate) fn page<'a, T>(
    items: &'a [T],
    token: Option<&str>,
    max: usize,
) -> Option<(&'a [T], Option<String>)> {
    let start = match token {
        None => 0,
        Some(t) => decode(t).filter(|o| *o <= items.len())?,
    };
    let end = start.saturating_add(max.max(1)).min(items.len());
    let next = (end < items.len()).then(|| encode(end));
    Some((&items[start..end], next))
}

/// A token that leads to the first page (for a listing that starts with an empty page).
pub(crate) fn first_page_token() -> String {
    encode(0)
}

/// The token a listing of pages of `max` items answers on its first page (the one leading to
/// the second page).
pub(crate) fn second_page_token(max: usize) -> String {
    encode(max.max(1))
}

fn encode(offset: usize) -> String {
    // A checksum so that a token from another listing or a typo is rejected, not misread.
    format!("{PREFIX}{offset:x}-{:x}", checksum(offset))
}

fn decode(token: &str) -> Option<usize> {
    let (offset, sum) = token.strip_prefix(PREFIX)?.split_once('-')?;
    let offset = usize::from_str_radix(offset, 16).ok()?;
    (u64::from_str_radix(sum, 16).ok()? == checksum(offset)).then_some(offset)
}

fn checksum(offset: usize) -> u64 {
    (offset as u64)
        .wrapping_mul(0x9E37_79B9_7F4A_7C15)
        .rotate_left(17)
        & 0xffff_ffff
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_cover_every_item_once_and_bad_tokens_are_rejected() {
        let items: Vec<u32> = (0..45).collect();
        let mut seen = Vec::new();
        let mut token = None;
        loop {
            let (chunk, next) = page(&items, token.as_deref(), 20).expect("valid token");
            seen.extend_from_slice(chunk);
            match next {
                Some(t) => token = Some(t),
                None => break,
            }
        }
        assert_eq!(seen, items);
        assert!(page(&items, Some("garbage"), 20).is_none());
        let (first, _) = page(&items, Some(&first_page_token()), 20).expect("valid token");
        assert_eq!(
            first,
            &items[..20],
            "the first-page token restarts at the beginning"
        );
        assert!(page(&items, Some("rsw1-5-0"), 20).is_none());
    }
}
