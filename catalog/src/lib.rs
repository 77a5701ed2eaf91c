//! The data products of a Local Digital Twin as a DCAT-AP 3 catalogue in the Dataspace Protocol 2025-1 shape.
//!
//! Pure logic, no IO:
//! - [`product`]: a data product (a `dcat:Dataset`) and its distributions, as the operator registers them, with
//!   validation that names the bad field;
//! - [`terms`]: the indexed terms of a product (keywords, themes, data models, kind) and filters over them, shared by
//!   offer selectors and catalogue filters;
//! - [`offer`]: which products an offer covers, and the id of an offer for one product;
//! - [`dsp`]: the DSP 2025-1 compact JSON-LD form of a catalogue and its datasets;
//! - [`paging`]: opaque cursors for paging through a catalogue in either direction.

pub mod dsp;
pub mod offer;
pub mod paging;
pub mod product;
pub mod slc;
pub mod terms;

pub use product::{DataProduct, Distribution, FieldError, LdtKind};
