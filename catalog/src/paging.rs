//! Keyset paging in either direction, with opaque cursors.
//!
//! Items are ordered by a unique string key. A page is read with one indexed range query of `limit + 1` rows (the
//! extra row only tells whether more follow); [`Page::from_rows`] turns those rows into the page and the cursors of
//! its neighbours. The cost of a page does not depend on how deep into the list it is.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// Where a page starts: after or before a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cursor {
    /// The items whose key is greater than this one, ascending.
    After(String),
    /// The items whose key is less than this one: the page just before it.
    Before(String),
}

impl Cursor {
    /// The cursor as an opaque URL-safe token.
    pub fn encode(&self) -> String {
        let (tag, key) = match self {
            Cursor::After(key) => ('a', key),
            Cursor::Before(key) => ('b', key),
        };
        URL_SAFE_NO_PAD.encode(format!("{tag}{key}"))
    }

    /// The cursor a token of [`Cursor::encode`] stands for, or `None` if it is not one (keys never hold control
    /// characters, so a token with one is not one of ours).
    pub fn decode(token: &str) -> Option<Cursor> {
        let bytes = URL_SAFE_NO_PAD.decode(token).ok()?;
        let text = String::from_utf8(bytes).ok().filter(|text| !text.chars().any(char::is_control))?;
        let mut chars = text.chars();
        let tag = chars.next()?;
        let key = chars.as_str().to_owned();
        match tag {
            'a' => Some(Cursor::After(key)),
            'b' => Some(Cursor::Before(key)),
            _ => None,
        }
    }
}

/// One page of items and the cursors of the pages next to it.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    /// The items, in ascending key order.
    pub items: Vec<T>,
    /// The page after this one, if there is one.
    pub next: Option<Cursor>,
    /// The page before this one, if there is one.
    pub previous: Option<Cursor>,
}

impl<T> Page<T> {
    /// Builds a page from the rows a store read for `cursor`: for no cursor or [`Cursor::After`], up to `limit + 1`
    /// rows in ascending key order; for [`Cursor::Before`], up to `limit + 1` rows in *descending* key order (the
    /// rows nearest the cursor first). `key` gives an item's key.
    pub fn from_rows(mut rows: Vec<T>, cursor: Option<&Cursor>, limit: usize, key: impl Fn(&T) -> &str) -> Page<T> {
        let more = rows.len() > limit;
        rows.truncate(limit);
        if matches!(cursor, Some(Cursor::Before(_))) {
            rows.reverse();
        }
        let first = rows.first().map(|item| key(item).to_owned());
        let last = rows.last().map(|item| key(item).to_owned());
        let (has_next, has_previous) = match cursor {
            None => (more, false),
            Some(Cursor::After(_)) => (more, true),
            Some(Cursor::Before(_)) => (true, more),
        };
        Page {
            next: last.filter(|_| has_next).map(Cursor::After),
            previous: first.filter(|_| has_previous).map(Cursor::Before),
            items: rows,
        }
    }
}

impl<T> Page<T> {
    /// The same page with each item converted by `convert`, or the first conversion error.
    pub fn try_map<U, E>(self, convert: impl FnMut(T) -> Result<U, E>) -> Result<Page<U>, E> {
        let items = self.items.into_iter().map(convert).collect::<Result<_, _>>()?;
        Ok(Page { items, next: self.next, previous: self.previous })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What a store would return for `cursor` over the sorted `keys`.
    fn read(keys: &[String], cursor: Option<&Cursor>, limit: usize) -> Vec<String> {
        match cursor {
            None => keys.iter().take(limit + 1).cloned().collect(),
            Some(Cursor::After(after)) => keys.iter().filter(|k| *k > after).take(limit + 1).cloned().collect(),
            Some(Cursor::Before(before)) => {
                keys.iter().rev().filter(|k| *k < before).take(limit + 1).cloned().collect()
            }
        }
    }

    fn page(keys: &[String], cursor: Option<&Cursor>, limit: usize) -> Page<String> {
        Page::from_rows(read(keys, cursor, limit), cursor, limit, String::as_str)
    }

    #[test]
    fn walking_forward_then_back_visits_every_item_once_in_order() {
        for total in 0..12 {
            for limit in 1..5 {
                let keys: Vec<String> = (0..total).map(|i| format!("k{i:02}")).collect();
                let mut forward = Vec::new();
                let mut pages = vec![page(&keys, None, limit)];
                assert_eq!(pages[0].previous, None);
                while let Some(next) = pages.last().unwrap().next.clone() {
                    pages.push(page(&keys, Some(&next), limit));
                }
                for p in &pages {
                    assert!(p.items.len() <= limit);
                    forward.extend(p.items.iter().cloned());
                }
                assert_eq!(forward, keys, "total {total} limit {limit}");
                // Back from the last page, following `previous`, gives the same pages in reverse.
                let mut back = vec![pages.last().unwrap().items.clone()];
                let mut at = pages.last().unwrap().clone();
                while let Some(previous) = at.previous.clone() {
                    at = page(&keys, Some(&previous), limit);
                    back.push(at.items.clone());
                }
                let mut expected: Vec<Vec<String>> = pages.iter().map(|p| p.items.clone()).collect();
                expected.reverse();
                assert_eq!(back, expected, "total {total} limit {limit}");
            }
        }
    }

    #[test]
    fn try_map_keeps_the_cursors_and_stops_at_the_first_error() {
        let page = Page { items: vec![1, 2], next: Some(Cursor::After("2".into())), previous: None };
        let doubled: Result<Page<i32>, ()> = page.clone().try_map(|n| Ok(n * 2));
        assert_eq!(doubled, Ok(Page { items: vec![2, 4], next: Some(Cursor::After("2".into())), previous: None }));
        assert_eq!(page.try_map(|n| if n == 2 { Err(n) } else { Ok(n) }), Err(2));
    }

    #[test]
    fn cursors_round_trip_and_reject_junk() {
        for cursor in [Cursor::After("urn:x:é".into()), Cursor::Before(String::new())] {
            assert_eq!(Cursor::decode(&cursor.encode()), Some(cursor));
        }
        for junk in ["", "!!", "eA", "/w", &URL_SAFE_NO_PAD.encode("a\0x")] {
            assert_eq!(Cursor::decode(junk), None, "{junk}");
        }
    }
}
