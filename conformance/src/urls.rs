//! Building the URLs the suite calls from a root URL and path pieces.

use url::Url;

/// Appends the URL path `path` to `root` (as DSP does with a version entry's `path`):
/// exactly one `/` joins them whatever slashes either side carries. A `path` that is itself
/// an absolute URL is taken as is.
pub fn join_path(root: &Url, path: &str) -> Result<Url, String> {
    if let Ok(absolute) = Url::parse(path) {
        return Ok(absolute);
    }
    if root.cannot_be_a_base() {
        return Err(format!("{root} cannot serve as a base URL"));
    }
    let mut url = root.clone();
    url.set_query(None);
    url.set_fragment(None);
    let joined = format!("{}/{}", root.path().trim_end_matches('/'), path.trim_start_matches('/'));
    url.set_path(&joined);
    Ok(url)
}

/// Appends one path segment per entry of `segments` to `base`, percent-encoding each one
/// (so an id containing `/` or `:` stays a single segment).
pub fn with_segments(base: &Url, segments: &[&str]) -> Result<Url, String> {
    let mut url = base.clone();
    url.set_query(None);
    url.set_fragment(None);
    url.path_segments_mut().map_err(|()| format!("{base} cannot serve as a base URL"))?.pop_if_empty().extend(segments);
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(text: &str) -> Url {
        Url::parse(text).expect("test URL")
    }

    #[test]
    fn join_path_handles_slashes_on_both_sides() -> Result<(), String> {
        for root in ["http://h:1", "http://h:1/", "http://h:1//"] {
            for path in ["dsp", "/dsp", "/dsp/"] {
                let joined = join_path(&url(root), path)?;
                assert!(joined.as_str().starts_with("http://h:1/dsp"), "{root} + {path}");
            }
        }
        assert_eq!(
            join_path(&url("http://h/root/"), "/.well-known/dspace-version")?.as_str(),
            "http://h/root/.well-known/dspace-version"
        );
        assert_eq!(join_path(&url("http://h/a"), "/")?.as_str(), "http://h/a/");
        assert_eq!(join_path(&url("http://h/a"), "https://other/x")?.as_str(), "https://other/x");
        Ok(())
    }

    #[test]
    fn segments_are_percent_encoded() -> Result<(), String> {
        let base = url("http://h/dsp/");
        assert_eq!(
            with_segments(&base, &["catalog", "datasets", "urn:x/y z"])?.as_str(),
            "http://h/dsp/catalog/datasets/urn:x%2Fy%20z"
        );
        assert_eq!(
            with_segments(&url("http://h/dsp"), &["catalog", "request"])?.as_str(),
            "http://h/dsp/catalog/request"
        );
        Ok(())
    }

    #[test]
    fn callback_addresses_join_with_or_without_a_trailing_slash() -> Result<(), String> {
        let path = ["negotiations", "urn:uuid:c-1", "agreement", "verification"];
        for callback in ["http://h:1/cb", "http://h:1/cb/"] {
            assert_eq!(
                with_segments(&url(callback), &path)?.as_str(),
                "http://h:1/cb/negotiations/urn:uuid:c-1/agreement/verification",
                "{callback}"
            );
        }
        for callback in ["http://h:1", "http://h:1/"] {
            assert_eq!(
                with_segments(&url(callback), &path[..3])?.as_str(),
                "http://h:1/negotiations/urn:uuid:c-1/agreement"
            );
        }
        Ok(())
    }
}
