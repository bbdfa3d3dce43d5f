//! The staff PIN pad: big digit keys (the physical digits work too), the PIN shown as dots, and what the gate
//! said: a wrong PIN, the lockout with its countdown, or that staff mode is not set up on this kiosk. The check
//! itself (argon2, the persisted lockout) is `staff::PinGate`, run by the root.

use super::frame;
use crate::screen::ViewContext;
use crate::staff::{PinCheck, gate::FREE_TRIES};
use crate::theme::{self, FONT_BOLD_FACE};
use crate::widget::controls::plain_button;
use iced::time::{Duration, Instant};
use iced::widget::{Column, button, column, container, row, text};
use iced::{Alignment, Element, Fill, Length, alignment};
use zeroize::Zeroizing;

/// The longest PIN `pdo-kiosk staff set-pin` accepts.
pub const MAX_DIGITS: usize = 8;
/// The shortest.
pub const MIN_DIGITS: usize = 4;

#[derive(Debug, Clone, PartialEq)]
pub enum Message {
    Digit(u8),
    Erase,
    Submit,
    Cancel,
}

#[derive(Debug, PartialEq)]
pub enum Action {
    None,
    Check(Zeroizing<String>),
    Cancel,
}

#[derive(Debug, Clone, PartialEq)]
enum Status {
    Ready,
    Checking,
    Wrong {
        failures: u32,
    },
    Locked {
        until: Instant,
    },
    /// No `staff_pin_hash` in the config.
    NotSet,
}

#[derive(Debug)]
pub struct PinPad {
    digits: Zeroizing<String>,
    status: Status,
    /// Staff mode's clock as last ticked, so the countdown is drawn from it (and tests can move it).
    now: Instant,
}

impl PinPad {
    /// `configured`: whether the kiosk has a staff PIN at all.
    pub fn new(configured: bool, now: Instant) -> Self {
        let status = if configured { Status::Ready } else { Status::NotSet };
        Self { digits: Zeroizing::new(String::new()), status, now }
    }

    /// The gate is shut for `wait` from `now` (a lockout from earlier tries, or the last wrong PIN's).
    pub fn locked(&mut self, wait: Duration, now: Instant) {
        self.now = now;
        self.status = Status::Locked { until: now + wait };
    }

    /// What the gate said about the PIN just sent.
    pub fn checked(&mut self, check: &PinCheck, now: Instant) {
        self.now = now;
        self.status = match check {
            PinCheck::Granted => Status::Ready,
            PinCheck::Wrong { wait, .. } | PinCheck::Locked { wait } if !wait.is_zero() => {
                Status::Locked { until: now + *wait }
            }
            PinCheck::Wrong { failures, .. } => Status::Wrong { failures: *failures },
            PinCheck::Locked { .. } => Status::Ready,
            PinCheck::NotSet => Status::NotSet,
        };
    }

    /// The check could not be made (the store failed): typing again is allowed.
    pub fn failed(&mut self) {
        self.status = Status::Ready;
    }

    pub fn tick(&mut self, now: Instant) {
        self.now = now;
        if let Status::Locked { until } = self.status
            && now >= until
        {
            self.status = Status::Ready;
        }
    }

    /// Seconds left of the lockout, rounded up; `None` when not locked.
    pub fn seconds_left(&self) -> Option<u64> {
        match self.status {
            Status::Locked { until } => Some(until.saturating_duration_since(self.now).as_secs_f64().ceil() as u64),
            _ => None,
        }
    }

    fn accepts_keys(&self) -> bool {
        matches!(self.status, Status::Ready | Status::Wrong { .. })
    }

    pub fn update(&mut self, message: Message) -> Action {
        match message {
            Message::Cancel => Action::Cancel,
            _ if !self.accepts_keys() => Action::None,
            Message::Digit(d) if d <= 9 && self.digits.len() < MAX_DIGITS => {
                self.digits.push(char::from(b'0' + d));
                Action::None
            }
            Message::Digit(_) => Action::None,
            Message::Erase => {
                self.digits.pop();
                Action::None
            }
            Message::Submit if self.digits.len() >= MIN_DIGITS => {
                self.status = Status::Checking;
                Action::Check(std::mem::replace(&mut self.digits, Zeroizing::new(String::new())))
            }
            Message::Submit => Action::None,
        }
    }

    pub fn view(&self, ctx: ViewContext<'_>) -> Element<'_, Message> {
        let i18n = ctx.i18n;
        let dots: String = (0..self.digits.len().max(MIN_DIGITS))
            .map(|i| if i < self.digits.len() { '●' } else { '○' })
            .flat_map(|c| [c, ' '])
            .collect();
        let (status, trouble) = match &self.status {
            Status::Ready => (i18n.tr("staff-pin-prompt"), false),
            Status::Checking => (i18n.tr("staff-pin-checking"), false),
            Status::Wrong { failures } => {
                let left = FREE_TRIES.saturating_sub(*failures);
                (i18n.tr_with("staff-pin-wrong", [("left", left.into())]), true)
            }
            Status::Locked { .. } => {
                let seconds = self.seconds_left().unwrap_or(0);
                (i18n.tr_with("staff-pin-locked", [("seconds", seconds.into())]), true)
            }
            Status::NotSet => (i18n.tr("staff-pin-not-set"), true),
        };
        let keys = self.accepts_keys();
        let key = |label: String, message: Message, enabled: bool| -> Element<'_, Message> {
            // Wider and taller than a plain button: a PIN is typed quickly, standing, often with a thumb. Digits
            // are large; the two words must fit the same key.
            let size = if label.chars().count() == 1 { ctx.metrics.title } else { ctx.metrics.text };
            button(text(label).size(size).font(FONT_BOLD_FACE).center().width(Fill).height(Fill))
                .width(Length::Fixed(ctx.metrics.target * 2.2))
                .height(Length::Fixed(ctx.metrics.target * 1.2))
                .style(theme::secondary_button)
                .on_press_maybe(enabled.then_some(message))
                .into()
        };
        let digit = |d: u8| key(d.to_string(), Message::Digit(d), keys);
        let mut pad = Column::new().spacing(ctx.metrics.text * 0.4).align_x(Alignment::Center);
        for first in [1u8, 4, 7] {
            pad = pad.push(row![digit(first), digit(first + 1), digit(first + 2)].spacing(ctx.metrics.text * 0.4));
        }
        pad = pad.push(
            row![
                key(i18n.tr("staff-pin-erase"), Message::Erase, keys && !self.digits.is_empty()),
                digit(0),
                key(i18n.tr("staff-pin-enter"), Message::Submit, keys && self.digits.len() >= MIN_DIGITS),
            ]
            .spacing(ctx.metrics.text * 0.4),
        );
        let page = column![
            text(i18n.tr("staff-pin-title")).size(ctx.metrics.title).font(FONT_BOLD_FACE),
            text(status).size(ctx.metrics.text).style(theme::tone(if trouble {
                theme::Tone::Danger
            } else {
                theme::Tone::Muted
            })),
            text(dots).size(ctx.metrics.title).font(FONT_BOLD_FACE),
            pad,
        ]
        .spacing(ctx.metrics.spacing)
        .align_x(Alignment::Center);
        let cancel = plain_button(ctx, i18n.tr("staff-pin-cancel"), Some(Message::Cancel));
        frame(ctx, cancel, container(page).center_x(Fill).align_y(alignment::Vertical::Center).height(Fill).into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(pad: &mut PinPad, digits: &[u8]) {
        for d in digits {
            assert_eq!(pad.update(Message::Digit(*d)), Action::None);
        }
    }

    #[test]
    fn four_to_eight_digits_are_sent_once_then_cleared() {
        let t0 = Instant::now();
        let mut pad = PinPad::new(true, t0);
        typed(&mut pad, &[2, 5, 8]);
        assert_eq!(pad.update(Message::Submit), Action::None, "three digits are too few");
        typed(&mut pad, &[0, 1, 2, 3, 4, 5, 6]);
        match pad.update(Message::Submit) {
            Action::Check(pin) => assert_eq!(pin.as_str(), "25801234", "at most eight digits"),
            other => panic!("{other:?}"),
        }
        assert_eq!(pad.update(Message::Digit(1)), Action::None);
        assert_eq!(pad.digits.as_str(), "", "keys wait while the PIN is checked");
    }

    #[test]
    fn a_lockout_counts_down_and_opens_by_itself() {
        let t0 = Instant::now();
        let mut pad = PinPad::new(true, t0);
        pad.checked(&PinCheck::Wrong { failures: 3, wait: Duration::from_secs(30) }, t0);
        assert_eq!(pad.seconds_left(), Some(30));
        typed(&mut pad, &[1]);
        assert_eq!(pad.digits.as_str(), "", "locked: keys do nothing");
        pad.tick(t0 + Duration::from_millis(12_500));
        assert_eq!(pad.seconds_left(), Some(18));
        pad.tick(t0 + Duration::from_secs(30));
        assert_eq!(pad.seconds_left(), None);
        typed(&mut pad, &[1]);
        assert_eq!(pad.digits.as_str(), "1");
    }

    #[test]
    fn without_a_pin_nothing_can_be_typed_but_cancel_works() {
        let mut pad = PinPad::new(false, Instant::now());
        typed(&mut pad, &[1, 2, 3, 4]);
        assert_eq!(pad.update(Message::Submit), Action::None);
        assert_eq!(pad.update(Message::Cancel), Action::Cancel);
    }
}
