//! The indexed terms of a data product, and filters over them.
//!
//! A product is indexed by its keywords (any language, case-insensitive), themes, data models (`conformsTo`) and
//! LDT kind. The same [`TermFilter`] selects the products of an offer and filters a DSP catalogue request, so the
//! store can answer both with one indexed lookup.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::product::{DataProduct, LdtKind, Problems};

/// What an indexed term of a product says about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TermKind {
    /// A keyword, lower-cased.
    Keyword,
    /// A theme IRI.
    Theme,
    /// A data-model IRI (`dct:conformsTo`).
    ConformsTo,
    /// The LDT kind.
    LdtKind,
}

impl TermKind {
    /// The kind's name as stored and as written in filters.
    pub fn as_str(self) -> &'static str {
        match self {
            TermKind::Keyword => "keyword",
            TermKind::Theme => "theme",
            TermKind::ConformsTo => "conformsTo",
            TermKind::LdtKind => "ldtKind",
        }
    }
}

/// One indexed term of a product.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Term {
    /// What the term says.
    pub kind: TermKind,
    /// Its value, normalised (keywords lower-cased).
    pub value: String,
}

/// The indexed terms of `product`, without repeats, in a stable order.
pub fn product_terms(product: &DataProduct) -> Vec<Term> {
    let keywords = product.keywords.values().flatten().map(|word| Term::keyword(word));
    let themes = product.themes.iter().map(|theme| Term { kind: TermKind::Theme, value: theme.clone() });
    let models = product.conforms_to.iter().map(|model| Term { kind: TermKind::ConformsTo, value: model.id.clone() });
    let kind = Term { kind: TermKind::LdtKind, value: product.ldt_kind.as_str().to_owned() };
    let mut terms: Vec<Term> = keywords.chain(themes).chain(models).chain([kind]).collect();
    terms.sort();
    terms.dedup();
    terms
}

impl Term {
    fn keyword(word: &str) -> Term {
        Term { kind: TermKind::Keyword, value: word.trim().to_lowercase() }
    }
}

/// A condition on one term of a product, e.g. `{"keyword": "traffic"}` or `{"ldtKind": "modelOutput"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub enum TermFilter {
    /// Has this keyword, in any language, ignoring case.
    Keyword(String),
    /// Has this theme IRI.
    Theme(String),
    /// Conforms to this data model IRI.
    ConformsTo(String),
    /// Is of this LDT kind.
    LdtKind(LdtKind),
}

impl TermFilter {
    /// The term a product must have to pass this filter.
    pub fn term(&self) -> Term {
        match self {
            TermFilter::Keyword(word) => Term::keyword(word),
            TermFilter::Theme(theme) => Term { kind: TermKind::Theme, value: theme.clone() },
            TermFilter::ConformsTo(model) => Term { kind: TermKind::ConformsTo, value: model.clone() },
            TermFilter::LdtKind(kind) => Term { kind: TermKind::LdtKind, value: kind.as_str().to_owned() },
        }
    }

    /// Checks the filter's value; `pointer` locates it in its document.
    pub fn check(&self, pointer: &str, problems: &mut Problems) {
        match self {
            TermFilter::Keyword(word) => problems.check_keyword(pointer, word),
            TermFilter::Theme(iri) | TermFilter::ConformsTo(iri) => problems.check_iri(pointer, iri),
            TermFilter::LdtKind(_) => {}
        }
    }
}

/// True if a product with the (sorted) `terms` passes every filter of `filters`.
pub fn matches_all(filters: &[TermFilter], terms: &[Term]) -> bool {
    filters.iter().all(|filter| terms.binary_search(&filter.term()).is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::product::tests::full_product;

    #[test]
    fn terms_are_normalised_sorted_and_unique() {
        let mut product = full_product();
        product.keywords.insert("nl".into(), vec!["Traffic".into(), "verkeer".into()]);
        let terms = product_terms(&product);
        let keywords: Vec<&str> =
            terms.iter().filter(|t| t.kind == TermKind::Keyword).map(|t| t.value.as_str()).collect();
        assert_eq!(keywords, ["mobility", "traffic", "verkeer"]);
        assert!(terms.windows(2).all(|pair| pair[0] < pair[1]));
        assert!(terms.contains(&Term { kind: TermKind::LdtKind, value: "raw".into() }));
    }

    #[test]
    fn filters_match_on_every_term_kind_and_all_must_hold() {
        let terms = product_terms(&full_product());
        let keyword = TermFilter::Keyword(" MOBILITY ".into());
        let theme = TermFilter::Theme("http://publications.europa.eu/resource/authority/data-theme/TRAN".into());
        let model =
            TermFilter::ConformsTo("https://smartdatamodels.org/dataModel.Transportation/TrafficFlowObserved".into());
        let kind = TermFilter::LdtKind(LdtKind::Raw);
        for filter in [&keyword, &theme, &model, &kind] {
            assert!(matches_all(std::slice::from_ref(filter), &terms), "{filter:?}");
        }
        assert!(matches_all(&[keyword.clone(), kind.clone()], &terms));
        assert!(!matches_all(&[keyword, TermFilter::LdtKind(LdtKind::ModelOutput)], &terms));
        assert!(!matches_all(&[TermFilter::Theme("http://example.org/other".into())], &terms));
        assert!(matches_all(&[], &terms));
    }

    #[test]
    fn filters_read_as_one_member_objects() {
        let filter: TermFilter = serde_json::from_str(r#"{"ldtKind": "modelOutput"}"#).unwrap();
        assert_eq!(filter, TermFilter::LdtKind(LdtKind::ModelOutput));
        assert!(serde_json::from_str::<TermFilter>(r#"{"colour": "red"}"#).is_err());
    }
}
