//! One module per step of the flow. Each screen owns its state and messages and asks the root for what it cannot
//! do itself through an `Action`; no screen touches another screen, the store or the network.

pub mod applicant;
pub mod application;
pub mod cabinet;
pub mod capture;
pub mod certificate;
pub mod child_form;
pub mod children;
pub mod confirm;
pub mod document;
pub mod print;
pub mod qr_sign_in;
pub mod renewal;
pub mod result;
pub mod resume;
pub mod sign_in;
pub mod staff;
pub mod welcome;

use crate::i18n::I18n;
use crate::theme::Metrics;

/// What every view needs to know about the kiosk as a whole.
#[derive(Debug, Clone, Copy)]
pub struct ViewContext<'a> {
    pub i18n: &'a I18n,
    pub metrics: Metrics,
}
