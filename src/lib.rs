//! pdo-kiosk: the self-service kiosk for the Kuzbass certificate of supplementary education.
//! The GUI lives in `app`, `screen` and `widget`; everything else is tested without a window.

pub mod app;
pub mod camera;
pub mod cli;
pub mod config;
pub mod demo;
pub mod i18n;
pub mod logging;
pub mod paths;
pub mod print;
pub mod queue_cli;
pub mod registry;
pub mod screen;
pub mod session;
pub mod speech;
pub mod staff;
pub mod staff_cli;
pub mod startup;
pub mod store;
pub mod sync;
pub mod theme;
pub mod watchdog;
pub mod widget;
