//! The kiosk's last warnings and errors, for the staff panel. A tracing layer keeps the newest few in memory: the
//! time, the level, the module and the event's message, plus its `code` field when it has one. Other fields (`error
//! = %err` and the like) are left out on purpose: an error's text may quote what a registry said back, and the panel
//! must show nothing about an applicant. Only the kiosk's own events are kept; the kiosk's log calls end with a
//! literal message, so a message never carries typed data.

use chrono::{DateTime, Utc};
use std::collections::VecDeque;
use std::fmt::Debug;
use std::sync::Mutex;
use tracing::field::{Field, Visit};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::layer::Context;

/// How many problems are kept; older ones fall off.
pub const KEEP: usize = 8;

#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub at: DateTime<Utc>,
    pub error: bool,
    /// The module that logged it, without the crate's name (`app::issue_flow`).
    pub module: String,
    pub message: String,
    pub code: Option<String>,
}

static RECENT: Mutex<VecDeque<Problem>> = Mutex::new(VecDeque::new());

/// The newest problems first.
pub fn problems() -> Vec<Problem> {
    RECENT.lock().unwrap_or_else(|e| e.into_inner()).iter().rev().cloned().collect()
}

fn keep(problem: Problem) {
    let mut recent = RECENT.lock().unwrap_or_else(|e| e.into_inner());
    if recent.len() == KEEP {
        recent.pop_front();
    }
    recent.push_back(problem);
}

/// The layer to add to the subscriber (see `logging::init`).
pub struct RecentProblems;

#[derive(Default)]
struct Fields {
    message: Option<String>,
    code: Option<String>,
}

impl Visit for Fields {
    fn record_str(&mut self, field: &Field, value: &str) {
        match field.name() {
            "message" => self.message = Some(value.to_string()),
            "code" => self.code = Some(value.to_string()),
            _ => {}
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn Debug) {
        match field.name() {
            "message" => self.message = Some(format!("{value:?}")),
            "code" => self.code = Some(format!("{value:?}").trim_matches('"').to_string()),
            _ => {}
        }
    }
}

impl<S: Subscriber> tracing_subscriber::Layer<S> for RecentProblems {
    fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
        let meta = event.metadata();
        let Some(module) = meta.target().strip_prefix("pdo_kiosk") else { return };
        if *meta.level() > Level::WARN {
            return;
        }
        let mut fields = Fields::default();
        event.record(&mut fields);
        keep(Problem {
            at: Utc::now(),
            error: *meta.level() == Level::ERROR,
            module: module.trim_start_matches("::").to_string(),
            message: fields.message.unwrap_or_default(),
            code: fields.code,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tracing_subscriber::prelude::*;

    #[test]
    fn only_the_message_and_code_of_the_kiosks_warnings_are_kept() {
        let subscriber = tracing_subscriber::registry().with(RecentProblems);
        tracing::subscriber::with_default(subscriber, || {
            tracing::info!("not a problem");
            tracing::warn!(error = "Зорина Вера: адрес занят", code = "conflict", "application not opened");
            tracing::warn!(target: "hyper", "someone else's warning");
            for _ in 0..KEEP {
                tracing::error!("outbox store failed");
            }
            tracing::error!(code = "unreachable", "the newest");
        });
        let problems = problems();
        assert_eq!(problems.len(), KEEP);
        assert_eq!(problems[0].message, "the newest");
        assert_eq!(problems[0].code.as_deref(), Some("unreachable"));
        assert!(problems[0].error);
        assert!(problems.iter().all(|p| !format!("{p:?}").contains("Зорина")), "{problems:?}");
        assert!(problems.iter().all(|p| p.module.starts_with("staff::recent")), "{problems:?}");
    }
}
