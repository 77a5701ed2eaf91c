//! Offers: which data products are offered under which access and contract policies, and the id of an offer as a
//! DSP catalogue publishes it for one product.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::product::{FieldError, MAX_LIST_LEN, Problems};
use crate::terms::{Term, TermFilter, matches_all};

/// An offer as the operator defines it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Offer {
    /// Stable id chosen by the operator.
    pub id: String,
    /// The policy a caller must satisfy to see the products in the catalogue; none: every authenticated caller.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_policy_id: Option<String>,
    /// The policy the products are offered under; it becomes the contract.
    pub contract_policy_id: String,
    /// Which products are offered.
    pub datasets: DatasetSelector,
}

/// Which products an offer covers: a list of ids, or every product matching all of some filters (so products
/// registered later are offered too).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub enum DatasetSelector {
    /// These products.
    Ids(Vec<String>),
    /// Every product that passes all these filters.
    Matching(Vec<TermFilter>),
}

impl DatasetSelector {
    /// True if the product `id` with the (sorted) `terms` is selected.
    pub fn selects(&self, id: &str, terms: &[Term]) -> bool {
        match self {
            DatasetSelector::Ids(ids) => ids.iter().any(|selected| selected == id),
            DatasetSelector::Matching(filters) => matches_all(filters, terms),
        }
    }
}

impl Offer {
    /// Checks everything the types alone do not; each problem names its field.
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut problems = Problems::default();
        problems.check_id("/id", &self.id);
        if let Some(access) = &self.access_policy_id {
            problems.check_id("/accessPolicyId", access);
        }
        problems.check_id("/contractPolicyId", &self.contract_policy_id);
        match &self.datasets {
            DatasetSelector::Ids(ids) => {
                if ids.is_empty() {
                    problems.add("/datasets/ids", "needs at least one dataset id");
                }
                if ids.len() > MAX_LIST_LEN * 10 {
                    problems.add("/datasets/ids", format!("must have at most {} ids", MAX_LIST_LEN * 10));
                }
                for (index, id) in ids.iter().enumerate() {
                    problems.check_id(&format!("/datasets/ids/{index}"), id);
                }
            }
            DatasetSelector::Matching(filters) => {
                if filters.len() > MAX_LIST_LEN {
                    problems.add("/datasets/matching", format!("must have at most {MAX_LIST_LEN} filters"));
                }
                for (index, filter) in filters.iter().enumerate() {
                    filter.check(&format!("/datasets/matching/{index}"), &mut problems);
                }
            }
        }
        problems.into_result()
    }
}

/// The characters escaped in the parts of an offer IRI: all but letters, digits, `-`, `.` and `_`.
const OFFER_IRI_PART: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_');

/// The prefix of every offer IRI this connector publishes.
const OFFER_IRI_PREFIX: &str = "urn:ldt:offer:";

/// The `@id` under which the catalogue publishes the offer `offer_id` for the product `dataset_id`: one offer
/// covers many products, and a consumer's contract request names exactly one of them.
pub fn offer_iri(offer_id: &str, dataset_id: &str) -> String {
    format!(
        "{OFFER_IRI_PREFIX}{}:{}",
        utf8_percent_encode(offer_id, OFFER_IRI_PART),
        utf8_percent_encode(dataset_id, OFFER_IRI_PART)
    )
}

/// The catalogue `@id` of the offer `offer_id` for the Surface-level component `slc_id`: its own scheme
/// (`urn:ldt:slc-offer:`), so it is never taken for a dataset's offer in a negotiation.
pub fn slc_offer_iri(offer_id: &str, slc_id: &str) -> String {
    format!(
        "urn:ldt:slc-offer:{}:{}",
        utf8_percent_encode(offer_id, OFFER_IRI_PART),
        utf8_percent_encode(slc_id, OFFER_IRI_PART)
    )
}

/// The offer id and product id an [`offer_iri`] was made from, or `None` if `iri` is not one.
pub fn parse_offer_iri(iri: &str) -> Option<(String, String)> {
    let (offer, dataset) = iri.strip_prefix(OFFER_IRI_PREFIX)?.split_once(':')?;
    let decode = |part: &str| percent_decode_str(part).decode_utf8().ok().map(|text| text.into_owned());
    Some((decode(offer)?, decode(dataset)?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::product::LdtKind;
    use crate::product::tests::full_product;
    use crate::terms::product_terms;

    #[test]
    fn offer_iris_round_trip_and_stay_readable() {
        assert_eq!(offer_iri("open-data", "traffic_counts"), "urn:ldt:offer:open-data:traffic_counts");
        for (offer, dataset) in [("a:b", "urn:uuid:1"), ("x%y", "é/ü?#"), ("o", "")] {
            let iri = offer_iri(offer, dataset);
            assert_eq!(parse_offer_iri(&iri), Some((offer.to_owned(), dataset.to_owned())), "{iri}");
        }
        assert_eq!(parse_offer_iri("urn:other:x:y"), None);
        assert_eq!(parse_offer_iri("urn:ldt:offer:no-dataset"), None);
        assert_eq!(parse_offer_iri("urn:ldt:offer:%FF:x"), None);
    }

    #[test]
    fn selectors_pick_by_id_or_by_terms() {
        let product = full_product();
        let terms = product_terms(&product);
        assert!(DatasetSelector::Ids(vec![product.id.clone()]).selects(&product.id, &terms));
        assert!(!DatasetSelector::Ids(vec!["other".into()]).selects(&product.id, &terms));
        assert!(DatasetSelector::Matching(vec![TermFilter::LdtKind(LdtKind::Raw)]).selects(&product.id, &terms));
        assert!(!DatasetSelector::Matching(vec![TermFilter::LdtKind(LdtKind::Transformed)]).selects("x", &terms));
    }

    #[test]
    fn validation_names_fields() {
        let offer = Offer {
            id: String::new(),
            access_policy_id: Some("ok".into()),
            contract_policy_id: "has space".into(),
            datasets: DatasetSelector::Matching(vec![TermFilter::Theme("not an iri".into())]),
        };
        let pointers: Vec<String> = offer.validate().unwrap_err().into_iter().map(|e| e.pointer).collect();
        assert_eq!(pointers, ["/id", "/contractPolicyId", "/datasets/matching/0"]);
        let empty = Offer {
            datasets: DatasetSelector::Ids(vec![]),
            id: "o".into(),
            contract_policy_id: "p".into(),
            access_policy_id: None,
        };
        assert_eq!(empty.validate().unwrap_err()[0].pointer, "/datasets/ids");
    }
}
