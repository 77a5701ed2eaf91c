//! Cursor-paginated lists: `?limit=&cursor=` in, `{"items", "next", "previous"}` out.

use ldt_catalog::paging::{Cursor, Page};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::problem::Problem;

/// The default number of items in a page.
const DEFAULT_LIMIT: usize = 50;
/// The largest page a caller may ask for.
const MAX_LIMIT: usize = 1000;

/// Which page of a list to return.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Items per page, 1–1000 (default 50).
    pub limit: Option<usize>,
    /// A `next` or `previous` cursor from an earlier page.
    pub cursor: Option<String>,
}

impl ListQuery {
    /// The page size and decoded cursor; a problem if either is not acceptable.
    pub fn read(&self) -> Result<(usize, Option<Cursor>), Problem> {
        let limit = self.limit.unwrap_or(DEFAULT_LIMIT);
        if !(1..=MAX_LIMIT).contains(&limit) {
            return Err(Problem::invalid_field("limit", format!("must be between 1 and {MAX_LIMIT}")));
        }
        let cursor = match &self.cursor {
            None => None,
            Some(token) => Some(
                Cursor::decode(token)
                    .ok_or_else(|| Problem::invalid_field("cursor", "is not a cursor from this list"))?,
            ),
        };
        Ok((limit, cursor))
    }
}

/// One page of a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct Listing<T> {
    /// The items, in id order.
    pub items: Vec<T>,
    /// Cursor of the next page, if there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
    /// Cursor of the previous page, if there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub previous: Option<String>,
}

impl<T> Listing<T> {
    /// The same listing with each item turned into another.
    pub fn map<U>(self, each: impl FnMut(T) -> U) -> Listing<U> {
        Listing { items: self.items.into_iter().map(each).collect(), next: self.next, previous: self.previous }
    }
}

impl<T> From<Page<T>> for Listing<T> {
    fn from(page: Page<T>) -> Listing<T> {
        Listing {
            items: page.items,
            next: page.next.as_ref().map(Cursor::encode),
            previous: page.previous.as_ref().map(Cursor::encode),
        }
    }
}
