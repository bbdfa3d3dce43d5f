//! Staff mode without its screens: the PIN and its lockout, the audit log, the office's anonymous figures, resume
//! codes for unfinished applications, and the privacy check and wipe. Everything here is tested without a window;
//! the GUI calls it.

pub mod audit;
pub mod counters;
pub mod gate;
pub mod health;
pub mod pin;
pub mod recent;
pub mod wipe;

pub use audit::{AuditEntry, StaffAction};
pub use counters::{DayFigures, OfficeFigures};
pub use gate::{GateState, PinCheck, PinGate};
pub use pin::{Pin, PinError};
pub use wipe::{PrivacyReport, Queue};
