//! Reusable pieces of the kiosk's screens.

pub mod chrome;
pub mod controls;
pub mod field_kind;
pub mod form;
pub mod keyboard;
pub mod list;
pub mod typing;
