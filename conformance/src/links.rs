//! Pagination: the `Link: <…>; rel="next"` header of a catalogue page.

use crate::http::Exchange;
use url::Url;

/// The URL of the next page announced by the answer's `Link` headers, resolved against the
/// request URL; `Ok(None)` on the last page.
pub fn next_page(exchange: &Exchange) -> Result<Option<Url>, String> {
    for header in exchange.header_values("link") {
        let links = parse_link_header::parse(header)
            .map_err(|e| format!("{}: unreadable Link header {header:?}: {e}", exchange.describe()))?;
        for (rel, link) in links {
            let is_next =
                rel.as_deref().is_some_and(|rel| rel.split_whitespace().any(|r| r.eq_ignore_ascii_case("next")));
            if is_next {
                return exchange.url.join(&link.raw_uri).map(Some).map_err(|e| {
                    format!("{}: Link rel=\"next\" target {:?} is not a URL: {e}", exchange.describe(), link.raw_uri)
                });
            }
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::{HeaderMap, HeaderValue};
    use reqwest::{Method, StatusCode};

    fn exchange(links: &[&str]) -> Exchange {
        let mut headers = HeaderMap::new();
        for link in links {
            headers.append("link", HeaderValue::from_str(link).expect("header"));
        }
        Exchange {
            method: Method::POST,
            url: Url::parse("http://h/dsp/catalog/request").expect("url"),
            status: StatusCode::OK,
            headers,
            body: Vec::new(),
        }
    }

    #[test]
    fn finds_the_next_link_among_others() -> Result<(), String> {
        let page = exchange(&[
            r#"<http://h/dsp/catalog/request?page=1>; rel="previous""#,
            r#"<http://h/dsp/catalog/request?page=3>; rel="next""#,
        ]);
        assert_eq!(next_page(&page)?.map(String::from).as_deref(), Some("http://h/dsp/catalog/request?page=3"));
        Ok(())
    }

    #[test]
    fn resolves_relative_links_and_ends_without_one() -> Result<(), String> {
        let page = exchange(&[r#"</dsp/catalog/request?page=2>; rel="next""#]);
        assert_eq!(next_page(&page)?.map(String::from).as_deref(), Some("http://h/dsp/catalog/request?page=2"));
        assert_eq!(next_page(&exchange(&[]))?, None);
        Ok(())
    }
}
