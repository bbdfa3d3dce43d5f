//! Reusable pieces of the kiosk's screens.

pub mod chrome;
pub mod controls;
pub mod field_kind;
pub mod form;
pub mod keyboard;
pub mod list;
pub mod typing;

use crate::i18n::I18n;
use crate::theme::Metrics;

/// What every view needs to know about the kiosk as a whole: the person's language and the sizes of this panel.
#[derive(Debug, Clone, Copy)]
pub struct ViewContext<'a> {
    pub i18n: &'a I18n,
    pub metrics: Metrics,
}
