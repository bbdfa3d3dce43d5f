//! The panel's second page: the office's anonymous figures (today and the last 30 days) and the privacy check's
//! answer: "no applicant data remains", or what does.

use super::health::Known;
use crate::i18n::I18n;
use crate::screen::ViewContext;
use crate::staff::{DayFigures, OfficeFigures, PrivacyReport};
use crate::theme::{self, FONT_BOLD_FACE};
use iced::widget::{Column, column, row, text};
use iced::{Element, Length};

/// How many days the period column covers.
pub const PERIOD_DAYS: u64 = 30;

#[derive(Debug, Clone, Default)]
pub struct Figures {
    pub figures: Known<OfficeFigures>,
    pub privacy: Known<PrivacyReport>,
}

/// A label and a value per line.
type Lines = Vec<(String, String)>;

fn counts(i18n: &I18n, today: &DayFigures, period: &DayFigures) -> Lines {
    let pair = |a: u64, b: u64| i18n.tr_with("staff-figure-pair", [("today", a.into()), ("period", b.into())]);
    vec![
        (i18n.tr("staff-figure-sessions"), pair(today.sessions_started, period.sessions_started)),
        (i18n.tr("staff-figure-applications"), pair(today.applications_submitted, period.applications_submitted)),
        (i18n.tr("staff-figure-certificates"), pair(today.certificates_issued, period.certificates_issued)),
        (i18n.tr("staff-figure-prints"), pair(today.prints, period.prints)),
    ]
}

/// Abandons and the median time of each step over the period, one line per step that has either.
fn steps(i18n: &I18n, period: &DayFigures) -> Lines {
    let mut names: Vec<&String> = period.abandoned.keys().chain(period.median_secs.keys()).collect();
    names.sort();
    names.dedup();
    names
        .into_iter()
        .map(|step| {
            let abandoned = period.abandoned.get(step).copied().unwrap_or(0);
            let median = period.median_secs.get(step).map_or_else(|| "—".into(), |s| format!("{s:.0}"));
            let visits = period.visits.get(step).copied().unwrap_or(0);
            let line = i18n.tr_with(
                "staff-step-line",
                [("abandoned", abandoned.into()), ("median", median.into()), ("visits", visits.into())],
            );
            (step.clone(), line)
        })
        .collect()
}

/// The privacy check as sentences; the first says whether anything about an applicant remains.
pub fn privacy_lines(i18n: &I18n, report: &PrivacyReport) -> Vec<String> {
    if report.clean() {
        return vec![i18n.tr("staff-privacy-clean")];
    }
    let mut lines = vec![i18n.tr("staff-privacy-remains")];
    if report.drafts > 0 {
        lines.push(i18n.tr_with("staff-privacy-drafts", [("count", report.drafts.into())]));
    }
    if report.queued > 0 {
        lines.push(i18n.tr_with("staff-privacy-queued", [("count", report.queued.into())]));
    }
    if !report.temp_files.is_empty() {
        lines.push(i18n.tr_with("staff-privacy-temp", [("count", report.temp_files.len().into())]));
    }
    if report.wal_bytes > 0 {
        lines.push(i18n.tr_with("staff-privacy-wal", [("bytes", report.wal_bytes.into())]));
    }
    if !report.unclassified_tables.is_empty() {
        let tables = report.unclassified_tables.join(", ");
        lines.push(i18n.tr_with("staff-privacy-tables", [("tables", tables.into())]));
    }
    lines
}

impl Figures {
    pub fn view<'a, M: 'a>(&self, ctx: ViewContext<'_>) -> Element<'a, M> {
        let i18n = ctx.i18n;
        let heading = |id: &str| text(i18n.tr(id)).size(ctx.metrics.text * 1.2).font(FONT_BOLD_FACE);
        let line = |label: String, value: String| -> Element<'a, M> {
            row![
                text(label).size(ctx.metrics.small).width(Length::FillPortion(2)),
                text(value).size(ctx.metrics.small).width(Length::FillPortion(3)),
            ]
            .spacing(ctx.metrics.spacing)
            .into()
        };
        let mut left = Column::new().spacing(ctx.metrics.text * 0.3).width(Length::FillPortion(1));
        left = left.push(heading("staff-figures-title"));
        match &self.figures {
            Known::Checking => left = left.push(text(i18n.tr("staff-checking")).size(ctx.metrics.text)),
            Known::Failed => left = left.push(text(i18n.tr("staff-unknown")).size(ctx.metrics.text)),
            Known::Yes(figures) => {
                let today_word = pdo_core::domain::region_today(chrono::Utc::now()).format("%Y-%m-%d").to_string();
                let empty = DayFigures::default();
                let today = figures.days.iter().find(|d| d.day == today_word).unwrap_or(&empty);
                left = left.push(line(String::new(), i18n.tr("staff-figure-columns")));
                for (label, value) in counts(i18n, today, &figures.total) {
                    left = left.push(line(label, value));
                }
                left = left.push(heading("staff-steps-title"));
                let steps = steps(i18n, &figures.total);
                if steps.is_empty() {
                    left = left.push(text(i18n.tr("staff-steps-none")).size(ctx.metrics.small));
                }
                for (label, value) in steps {
                    left = left.push(line(label, value));
                }
            }
        }
        let mut right = Column::new().spacing(ctx.metrics.text * 0.3).width(Length::FillPortion(1));
        right = right.push(heading("staff-privacy-title"));
        match &self.privacy {
            Known::Checking => right = right.push(text(i18n.tr("staff-checking")).size(ctx.metrics.text)),
            Known::Failed => right = right.push(text(i18n.tr("staff-unknown")).size(ctx.metrics.text)),
            Known::Yes(report) => {
                let tone = if report.clean() { theme::Tone::Accent } else { theme::Tone::Danger };
                for sentence in privacy_lines(i18n, report) {
                    right = right.push(text(sentence).size(ctx.metrics.text).style(theme::tone(tone)));
                }
            }
        }
        column![row![left, right].spacing(ctx.metrics.spacing * 2.0)].into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pdo_core::domain::Lang;

    #[test]
    fn a_clean_kiosk_says_so_in_one_sentence_and_a_dirty_one_lists_what_remains() {
        let i18n = I18n::new(Lang::Ru);
        assert_eq!(privacy_lines(&i18n, &PrivacyReport::default()), [i18n.tr("staff-privacy-clean")]);
        let report = PrivacyReport { drafts: 1, queued: 2, wal_bytes: 4096, ..PrivacyReport::default() };
        let lines = privacy_lines(&i18n, &report);
        assert_eq!(lines.len(), 4, "{lines:?}");
        assert!(lines.iter().all(|l| !l.contains('⟨')), "every sentence exists: {lines:?}");
    }
}
