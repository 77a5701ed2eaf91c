//! The components another LDT publishes, read back from its DSP catalogue: each `DataService` that conforms to the
//! SLC profile (`dct:conformsTo`) and carries a descriptor; an invalid descriptor is counted, not read.

use std::sync::Arc;

use serde::Deserialize as _;
use serde_json::Value;

use crate::dsp::{SLC_DESCRIPTOR, SLC_OFFERS, SLC_PROFILE};
use crate::slc::SlcDescriptor;
use crate::slc::profile::{OfferTerms, many};

/// A component found in a catalogue, with the offers it is under there.
#[derive(Debug, Clone)]
pub struct Published {
    /// Its descriptor.
    pub descriptor: SlcDescriptor,
    /// Its offers.
    pub offers: Vec<Arc<OfferTerms>>,
}

/// The components of a DSP catalogue (compact form), and how many `DataService`s carried a descriptor that is not
/// valid (skipped).
pub fn components_of(catalog: &Value) -> (Vec<Published>, usize) {
    let mut invalid = 0;
    let mut found = Vec::new();
    for service in many(catalog.get("service")) {
        let conforms = many(service.get("dct:conformsTo"))
            .any(|standard| standard.get("@id").and_then(serde_json::Value::as_str) == Some(SLC_PROFILE));
        let Some(literal) = service.get(SLC_DESCRIPTOR).filter(|_| conforms) else { continue };
        let descriptor =
            SlcDescriptor::deserialize(json_literal(literal)).ok().filter(|descriptor| descriptor.validate().is_ok());
        let Some(descriptor) = descriptor else {
            invalid += 1;
            continue;
        };
        let offers = many(service.get(SLC_OFFERS).map(json_literal)).filter_map(OfferTerms::of_published).collect();
        found.push(Published { descriptor, offers });
    }
    (found, invalid)
}

/// The value of a JSON literal (`{"@value": …, "@type": "@json"}`), or the value itself as compaction may leave it.
fn json_literal(literal: &Value) -> &Value {
    literal.get("@value").unwrap_or(literal)
}
