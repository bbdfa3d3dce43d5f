//! Sizes and colours. Touch targets are sized from the screen's physical size so that every button is at least
//! 12 mm tall on the panel the kiosk really has.

use iced::{Color, Font, Size, font};

pub const FONT_REGULAR: &[u8] = include_bytes!("../assets/fonts/NotoSans-Regular.ttf");
pub const FONT_BOLD: &[u8] = include_bytes!("../assets/fonts/NotoSans-Bold.ttf");
pub const FONT: Font = Font::with_name("Noto Sans");
pub const FONT_BOLD_FACE: Font = Font { weight: font::Weight::Bold, ..FONT };

pub const MIN_TARGET_MM: f32 = 12.0;

pub const ACCENT: Color = Color::from_rgb(0.05, 0.36, 0.62);
pub const DANGER: Color = Color::from_rgb(0.70, 0.11, 0.11);
pub const MUTED: Color = Color::from_rgb(0.30, 0.33, 0.37);
pub const DEMO: Color = Color::from_rgb(0.80, 0.35, 0.0);
/// A calm band behind a notice that holds for the whole application (the offline way): light, so dark text reads.
pub const NOTICE: Color = Color::from_rgb(1.0, 0.93, 0.70);
/// Dims the screen behind a dialog.
pub const SCRIM: Color = Color { r: 0.0, g: 0.0, b: 0.0, a: 0.55 };

/// Logical pixel sizes for one screen.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Metrics {
    pub px_per_mm: f32,
    /// Height of every button and input: never under 12 mm.
    pub target: f32,
    /// Height of an on-screen keyboard key: 12 mm, never less, but smaller than a button so the form stays in view.
    pub key: f32,
    pub text: f32,
    pub title: f32,
    pub small: f32,
    pub spacing: f32,
    /// A wide screen lays long screens out in two columns; a portrait one stacks them.
    pub landscape: bool,
    /// The window these sizes were made for, in logical pixels.
    pub window: Size,
}

impl Metrics {
    /// `window` in logical pixels, `screen_mm` the panel's visible area in millimetres.
    pub fn new(window: Size, screen_mm: (f32, f32)) -> Self {
        Self::scaled(window, screen_mm, 1.0)
    }

    /// The same with all text `text_scale` times its size (1.5 for large text); buttons grow with their words,
    /// keyboard keys only as far as their letters need, so the keyboard still leaves room for the form.
    pub fn scaled(window: Size, screen_mm: (f32, f32), text_scale: f32) -> Self {
        let px_per_mm = (window.width / screen_mm.0).min(window.height / screen_mm.1);
        // Text is sized to the window so a 1080p panel reads like a large-print form from half a metre.
        let base = (window.width.min(window.height) / 36.0).clamp(20.0, 40.0);
        let text = base * text_scale;
        let target = (MIN_TARGET_MM * px_per_mm).max(text * 2.2).ceil();
        let key = (MIN_TARGET_MM * px_per_mm).max(base * 1.8).max(text * 1.5).ceil();
        Self {
            px_per_mm,
            target,
            key,
            text,
            title: text * 1.6,
            small: text * 0.8,
            spacing: (text * 0.8).round(),
            landscape: window.width > window.height,
            window,
        }
    }

    pub fn mm(&self, px: f32) -> f32 {
        px / self.px_per_mm
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new(Size::new(1920.0, 1080.0), (476.0, 268.0))
    }
}

/// Secondary buttons (language, back, keys): dark text on a light face with a border, high contrast for reading.
pub fn secondary_button(_theme: &iced::Theme, status: iced::widget::button::Status) -> iced::widget::button::Style {
    use iced::widget::button::{Status, Style};
    let face = match status {
        Status::Active | Status::Hovered => Color::from_rgb(0.90, 0.92, 0.94),
        Status::Pressed => Color::from_rgb(0.78, 0.82, 0.86),
        Status::Disabled => Color::from_rgb(0.96, 0.97, 0.98),
    };
    let text_color = if status == Status::Disabled { MUTED } else { Color::from_rgb(0.08, 0.10, 0.12) };
    Style {
        background: Some(face.into()),
        text_color,
        border: iced::Border { color: Color::from_rgb(0.55, 0.60, 0.65), width: 1.0, radius: 6.0.into() },
        ..Style::default()
    }
}

/// The chosen one of a set (the active language): an accent frame on a light accent face, its words bold (by
/// the caller), so it reads as selected rather than as greyed out, although it cannot be pressed again. Dark text on
/// a light face, like every secondary button, keeps it legible (and readable by the OCR of the screen tests).
pub fn selected_button(_theme: &iced::Theme, _status: iced::widget::button::Status) -> iced::widget::button::Style {
    use iced::widget::button::Style;
    Style {
        background: Some(Color::from_rgb(0.86, 0.92, 0.98).into()),
        text_color: Color::from_rgb(0.02, 0.16, 0.32),
        border: iced::Border { color: ACCENT, width: 1.0, radius: 6.0.into() },
        ..Style::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_are_at_least_12_mm_on_any_panel() {
        for (window, mm) in [
            (Size::new(1920.0, 1080.0), (476.0, 268.0)),
            (Size::new(1280.0, 1024.0), (338.0, 270.0)),
            (Size::new(1920.0, 1080.0), (1210.0, 680.0)),
            (Size::new(1024.0, 768.0), (304.0, 228.0)),
        ] {
            let metrics = Metrics::new(window, mm);
            assert!(metrics.mm(metrics.target) >= MIN_TARGET_MM - 0.01, "{window:?} {mm:?}: {metrics:?}");
            assert!(metrics.mm(metrics.key) >= MIN_TARGET_MM - 0.01, "keys {window:?} {mm:?}: {metrics:?}");
        }
    }

    #[test]
    fn text_grows_with_the_screen_within_readable_bounds() {
        let small = Metrics::new(Size::new(1024.0, 600.0), (222.0, 130.0));
        let large = Metrics::new(Size::new(1920.0, 1080.0), (476.0, 268.0));
        assert!(small.text >= 20.0 && large.text > small.text && large.text <= 40.0);
    }
}
