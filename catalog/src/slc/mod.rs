//! Surface-level components (SLCs): dashboards, analyses, simulations, AI models and decision support built on LDT
//! data. An SLC is described by a [`descriptor::SlcDescriptor`] (a small JSON-LD profile on DCAT-AP 3 —
//! `dcat:DataService`, `dct:conformsTo` — and ODRL; the JSON Schema is `assets/slc/slc-descriptor.schema.json`),
//! published in the DSP catalogue ([`crate::dsp::SlcEntry`]), and judged against an LDT's capability profile
//! ([`profile`]) by [`assess`], which also proposes other LDTs' offers for inputs missing at home.

pub mod assess;
pub mod descriptor;
pub mod profile;
mod published;
mod render;

pub use assess::{Assessment, Assessor, Verdict, rank, ranking};
pub use descriptor::SlcDescriptor;
pub use profile::{LdtProfile, ProductProfile};
pub use published::{Published, components_of};
pub use render::render;
