//! The printed forms and on-site printing.
//!
//! - [`forms`]: the application, the consent to personal-data processing and the activation sheet of one
//!   [`pdo_core::api::Application`], as PDF bytes in memory ([`forms::render_all`]).
//! - [`layout`]: the small page-layout layer the forms are written in (wrapping, runs, fill-in lines, page breaks).
//! - [`ipp`]: printing those bytes on an IPP Everywhere printer, with the printer's state in plain Russian.
//!
//! Nothing here touches the disk or needs a display: the kiosk renders, prints and forgets.

pub mod command;
pub mod demo;
pub mod forms;
pub mod ipp;
pub mod layout;
pub mod preview;

pub use forms::{Forms, render_all};
pub use layout::Fonts;
