//! The data plane: moves a transfer's data once a contract exists — [`http`] (HTTP pull through a proxy, HTTP push)
//! and [`stream`] (MQTT and NATS streams relayed or read live). Each flow belongs to one transfer process and stops
//! when the transfer's shell cancels it.

pub mod http;
pub mod stream;
