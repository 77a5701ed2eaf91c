//! ldt-connector: a Dataspace Protocol 2025-1 connector for Local Digital Twins.
//!
//! See `ARCHITECTURE.md` for the code map: [`config`] → [`app`] wires [`store`], [`dsp`] and [`management`]
//! together; [`demo`] runs a small data space in one process.

pub mod access;
pub mod app;
pub mod authority;
pub mod config;
pub mod dataplane;
pub mod dcp;
pub mod demo;
pub mod dsp;
pub mod management;
pub mod negotiation;
pub mod policy_tools;
pub mod secrets;
pub mod slc;
pub mod slc_tools;
pub mod store;
pub mod transfer;
