//! The panel's first page: the kiosk's health in plain words. Registry link, camera, printer, the offline queue,
//! the data dir's disk, the version and the last problems logged; nothing about any applicant.

use crate::i18n::I18n;
use crate::print::ipp::PrinterState;
use crate::screen::ViewContext;
use crate::screen::print::Printer;
use crate::staff::health::{CameraStatus, DiskSpace};
use crate::staff::recent::Problem;
use crate::store::QueueStatus;
use crate::sync::{Connectivity, Link};
use crate::theme::{self, FONT_BOLD_FACE};
use chrono::{DateTime, Utc};
use iced::widget::{Column, column, row, text};
use iced::{Element, Length};

/// Below this much free space the disk line turns red: a day of logs and a queue of scans still fit.
pub const LOW_DISK_BYTES: u64 = 1 << 30;

/// A fact not known yet, known, or that could not be found out.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Known<T> {
    #[default]
    Checking,
    Yes(T),
    Failed,
}

#[derive(Debug, Clone)]
pub struct Health {
    pub link: Connectivity,
    /// Whether the sync worker runs at all (it needs the kiosk's credentials).
    pub syncing: bool,
    pub camera: CameraStatus,
    pub printer: Printer,
    pub queue: Known<QueueStatus>,
    pub disk: Known<DiskSpace>,
    pub problems: Vec<Problem>,
}

impl Health {
    pub fn new(link: Connectivity, syncing: bool, printer: Printer) -> Self {
        Self {
            link,
            syncing,
            camera: CameraStatus::Checking,
            printer,
            queue: Known::Checking,
            disk: Known::Checking,
            problems: Vec::new(),
        }
    }

    /// Each line: what it is about, what is the case, and whether it needs someone's attention.
    pub fn lines(&self, i18n: &I18n, now: DateTime<Utc>) -> Vec<(String, String, bool)> {
        let queue = match &self.queue {
            Known::Checking => (i18n.tr("staff-checking"), false),
            Known::Failed => (i18n.tr("staff-unknown"), true),
            Known::Yes(q) if q.count == 0 => (i18n.tr("staff-queue-empty"), false),
            Known::Yes(q) => {
                let minutes = q.oldest_at.map_or(0, |at| (now - at).num_minutes().max(0));
                let mut line =
                    i18n.tr_with("staff-queue-waiting", [("count", q.count.into()), ("minutes", minutes.into())]);
                if let Some(code) = &q.last_error {
                    line.push_str(&i18n.tr_with("staff-last-error", [("code", code.as_str().into())]));
                }
                (line, true)
            }
        };
        let (settled, settled_trouble) = match &self.queue {
            Known::Yes(q) => (
                i18n.tr_with("staff-queue-settled", [("rejected", q.rejected.into()), ("held", q.held.into())]),
                q.held > 0,
            ),
            _ => (String::from("—"), false),
        };
        let disk = match self.disk {
            Known::Checking => (i18n.tr("staff-checking"), false),
            Known::Failed => (i18n.tr("staff-unknown"), true),
            Known::Yes(space) => {
                let gb = |bytes: u64| format!("{:.1}", bytes as f64 / f64::from(1u32 << 30));
                let line = i18n.tr_with(
                    "staff-disk-free",
                    [("free", gb(space.free_bytes).into()), ("total", gb(space.total_bytes).into())],
                );
                (line, space.free_bytes < LOW_DISK_BYTES)
            }
        };
        let problems = if self.problems.is_empty() {
            i18n.tr("staff-problems-none")
        } else {
            let local = |at: DateTime<Utc>| at.with_timezone(&pdo_core::domain::REGION_UTC_OFFSET).format("%H:%M");
            self.problems
                .iter()
                .take(4)
                .map(|p| match &p.code {
                    Some(code) => format!("{} {} ({code})", local(p.at), p.message),
                    None => format!("{} {}", local(p.at), p.message),
                })
                .collect::<Vec<_>>()
                .join("\n")
        };
        let (registry, registry_trouble) = self.registry(i18n);
        let (camera, camera_trouble) = camera_words(i18n, &self.camera);
        let (printer, printer_trouble) = printer_words(i18n, &self.printer);
        vec![
            (i18n.tr("staff-registry"), registry, registry_trouble),
            (i18n.tr("staff-camera"), camera, camera_trouble),
            (i18n.tr("staff-printer"), printer, printer_trouble),
            (i18n.tr("staff-queue"), queue.0, queue.1),
            (i18n.tr("staff-queue-done"), settled, settled_trouble),
            (i18n.tr("staff-disk"), disk.0, disk.1),
            (i18n.tr("staff-version"), env!("CARGO_PKG_VERSION").to_string(), false),
            (i18n.tr("staff-problems"), problems, !self.problems.is_empty()),
        ]
    }

    fn registry(&self, i18n: &I18n) -> (String, bool) {
        if !self.syncing {
            return (i18n.tr("staff-registry-no-worker"), true);
        }
        match self.link.link {
            Link::Unknown => (i18n.tr("staff-checking"), false),
            Link::Online => {
                let ms = self.link.latency.map_or(0, |l| l.as_millis() as u64);
                (i18n.tr_with("staff-registry-online", [("ms", ms.into())]), false)
            }
            Link::Offline => {
                let code = self.link.last_error.clone().unwrap_or_else(|| "unreachable".into());
                (i18n.tr_with("staff-registry-offline", [("code", code.into())]), true)
            }
        }
    }

    pub fn view<'a, M: 'a>(&self, ctx: ViewContext<'_>, now: DateTime<Utc>) -> Element<'a, M> {
        let rows = self.lines(ctx.i18n, now).into_iter().map(|(label, value, trouble)| {
            row![
                text(label).size(ctx.metrics.text).font(FONT_BOLD_FACE).width(Length::FillPortion(2)),
                text(value)
                    .size(ctx.metrics.text)
                    .style(theme::tone(if trouble { theme::Tone::Danger } else { theme::Tone::Accent }))
                    .width(Length::FillPortion(5)),
            ]
            .spacing(ctx.metrics.spacing)
            .into()
        });
        column![Column::with_children(rows).spacing(ctx.metrics.text * 0.35)].into()
    }
}

fn camera_words(i18n: &I18n, camera: &CameraStatus) -> (String, bool) {
    match camera {
        CameraStatus::Checking => (i18n.tr("staff-checking"), false),
        CameraStatus::Working { width, height, fps } => (
            i18n.tr_with(
                "staff-camera-working",
                [("width", (*width).into()), ("height", (*height).into()), ("fps", (*fps).into())],
            ),
            false,
        ),
        CameraStatus::Missing => (i18n.tr("staff-camera-missing"), true),
        CameraStatus::Disconnected => (i18n.tr("staff-camera-disconnected"), true),
        CameraStatus::BadSetting => (i18n.tr("staff-camera-bad-setting"), true),
        CameraStatus::InUse => (i18n.tr("staff-camera-in-use"), false),
    }
}

/// Plain words for staff (the applicant's sentences ask them to call staff).
fn printer_words(i18n: &I18n, printer: &Printer) -> (String, bool) {
    match printer {
        Printer::NotConfigured => (i18n.tr("staff-printer-none"), true),
        Printer::Checking => (i18n.tr("staff-checking"), false),
        Printer::Unreachable => (i18n.tr("staff-printer-unreachable"), true),
        Printer::State(state) => {
            let id = match state {
                PrinterState::Ready => "staff-printer-ready",
                PrinterState::OutOfPaper => "staff-printer-out-of-paper",
                PrinterState::Jammed => "staff-printer-jammed",
                PrinterState::OutOfToner => "staff-printer-out-of-toner",
                PrinterState::Offline => "staff-printer-offline",
                PrinterState::Busy => "staff-printer-busy",
                PrinterState::Other(reason) => {
                    return (i18n.tr_with("staff-printer-other", [("reason", reason.as_str().into())]), true);
                }
            };
            (i18n.tr(id), !state.can_print())
        }
    }
}
