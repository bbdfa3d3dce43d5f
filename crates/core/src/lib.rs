//! The one copy of every rule the kiosk and the registry share: domain types, validation, API types.
//! No GUI and no I/O here, so all of it is tested without a window or a network.

pub mod api;
pub mod domain;
pub mod letters;
pub mod sealed;
pub mod sqlite;
pub mod validation;
