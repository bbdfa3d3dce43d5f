//! Sizes and colours. Touch targets are sized from the screen's physical size so that every button is at least
//! 12 mm tall on the panel the kiosk really has.

use iced::{Color, Font, Size, font};

pub const FONT_REGULAR: &[u8] = include_bytes!("../assets/fonts/NotoSans-Regular.ttf");
pub const FONT_BOLD: &[u8] = include_bytes!("../assets/fonts/NotoSans-Bold.ttf");
pub const FONT: Font = Font::with_name("Noto Sans");
pub const FONT_BOLD_FACE: Font = Font { weight: font::Weight::Bold, ..FONT };

pub const MIN_TARGET_MM: f32 = 12.0;

/// Dims the screen behind a dialog.
pub const SCRIM: Color = Color { r: 0.0, g: 0.0, b: 0.0, a: 0.55 };

/// Every colour the kiosk's screens use, in one place per theme, so each text/background pair can be checked
/// (`text_pairs`): at least 4.5:1 in the normal theme and 7:1 (WCAG AAA) in the high-contrast one.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Palette {
    pub background: Color,
    pub text: Color,
    /// Hints, formats, secondary notes.
    pub muted: Color,
    /// Progress, numbers to copy, good news.
    pub accent: Color,
    /// Errors (always with words, never by colour alone).
    pub danger: Color,
    /// The calm band of the offline notice, with `text` on it.
    pub notice: Color,
    /// The demo mark's face, with `on_demo` on it.
    pub demo: Color,
    pub on_demo: Color,
    /// Secondary buttons and keys: face, face while pressed, border, words.
    pub key: Color,
    pub key_pressed: Color,
    pub key_border: Color,
    pub key_text: Color,
    /// The chosen one of a set (the active language, a switch that is on, the chosen card).
    pub selected: Color,
    pub selected_text: Color,
    /// The main button: face and words.
    pub primary: Color,
    pub on_primary: Color,
    /// The ring of the focused field, against `background`.
    pub focus: Color,
}

pub const NORMAL: Palette = Palette {
    background: Color::WHITE,
    text: Color::from_rgb(0.08, 0.10, 0.12),
    muted: Color::from_rgb(0.30, 0.33, 0.37),
    accent: Color::from_rgb(0.05, 0.36, 0.62),
    danger: Color::from_rgb(0.70, 0.11, 0.11),
    notice: Color::from_rgb(1.0, 0.93, 0.70),
    demo: Color::from_rgb(0.70, 0.29, 0.0),
    on_demo: Color::WHITE,
    key: Color::from_rgb(0.90, 0.92, 0.94),
    key_pressed: Color::from_rgb(0.78, 0.82, 0.86),
    key_border: Color::from_rgb(0.48, 0.53, 0.58),
    key_text: Color::from_rgb(0.08, 0.10, 0.12),
    selected: Color::from_rgb(0.86, 0.92, 0.98),
    selected_text: Color::from_rgb(0.02, 0.16, 0.32),
    primary: Color::from_rgb(0.05, 0.36, 0.62),
    on_primary: Color::WHITE,
    focus: Color::from_rgb(0.05, 0.36, 0.62),
};

/// Black and white with a dark blue and a dark red that still read at 7:1 and more; borders as strong as text.
pub const HIGH_CONTRAST: Palette = Palette {
    background: Color::WHITE,
    text: Color::BLACK,
    muted: Color::from_rgb(0.15, 0.15, 0.15),
    accent: Color::from_rgb(0.0, 0.20, 0.45),
    danger: Color::from_rgb(0.50, 0.0, 0.0),
    notice: Color::from_rgb(1.0, 0.92, 0.40),
    demo: Color::from_rgb(0.40, 0.16, 0.0),
    on_demo: Color::WHITE,
    key: Color::WHITE,
    key_pressed: Color::from_rgb(0.85, 0.85, 0.85),
    key_border: Color::BLACK,
    key_text: Color::BLACK,
    selected: Color::from_rgb(0.0, 0.20, 0.45),
    selected_text: Color::WHITE,
    primary: Color::BLACK,
    on_primary: Color::WHITE,
    focus: Color::from_rgb(0.0, 0.20, 0.45),
};

/// The name the high-contrast iced theme goes by (how a style function tells the two apart).
const HIGH_CONTRAST_NAME: &str = "pdo-kiosk high contrast";

/// What colour a line of words has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Accent,
    Danger,
    Muted,
    Demo,
}

impl Palette {
    /// The palette of the iced theme the kiosk is drawn with now.
    pub fn of(theme: &iced::Theme) -> Palette {
        if theme.to_string() == HIGH_CONTRAST_NAME { HIGH_CONTRAST } else { NORMAL }
    }

    /// The iced theme drawn with this palette: the built-in widgets (fields, the main button) follow it.
    pub fn theme(high_contrast: bool) -> iced::Theme {
        let (name, p) = if high_contrast { (HIGH_CONTRAST_NAME, HIGH_CONTRAST) } else { ("pdo-kiosk", NORMAL) };
        iced::Theme::custom(
            name,
            iced::theme::Palette {
                background: p.background,
                text: p.text,
                primary: p.primary,
                success: p.accent,
                warning: p.demo,
                danger: p.danger,
            },
        )
    }

    pub fn tone(&self, tone: Tone) -> Color {
        match tone {
            Tone::Accent => self.accent,
            Tone::Danger => self.danger,
            Tone::Muted => self.muted,
            Tone::Demo => self.demo,
        }
    }

    /// Every pair of words and what they are drawn on, named.
    pub fn text_pairs(&self) -> Vec<(&'static str, Color, Color)> {
        vec![
            ("text", self.text, self.background),
            ("muted", self.muted, self.background),
            ("accent", self.accent, self.background),
            ("danger", self.danger, self.background),
            ("demo words", self.demo, self.background),
            ("offline notice", self.text, self.notice),
            ("demo mark", self.on_demo, self.demo),
            ("key", self.key_text, self.key),
            ("key pressed", self.key_text, self.key_pressed),
            ("selected", self.selected_text, self.selected),
            ("main button", self.on_primary, self.primary),
        ]
    }

    /// Pairs that are not words but must be told apart (WCAG 1.4.11: 3:1): the focus ring, key borders.
    pub fn outline_pairs(&self) -> Vec<(&'static str, Color, Color)> {
        vec![("focus ring", self.focus, self.background), ("key border", self.key_border, self.background)]
    }
}

/// WCAG 2.x contrast ratio of two opaque colours, from 1 to 21.
pub fn contrast(a: Color, b: Color) -> f32 {
    fn channel(c: f32) -> f32 {
        if c <= 0.04045 { c / 12.92 } else { ((c + 0.055) / 1.055).powf(2.4) }
    }
    let luminance = |c: Color| 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b);
    let (l1, l2) = (luminance(a), luminance(b));
    (l1.max(l2) + 0.05) / (l1.min(l2) + 0.05)
}

/// Words in one of the palette's tones, following the theme.
pub fn tone(tone: Tone) -> impl Fn(&iced::Theme) -> iced::widget::text::Style + Copy {
    move |theme| iced::widget::text::Style { color: Some(Palette::of(theme).tone(tone)) }
}

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
    /// The words on keyboard keys («Стереть», «Далее ›»): they do not grow with large text, the keys hardly do.
    pub key_words: f32,
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
            key_words: base * 0.8,
            spacing: (text * 0.8).round(),
            landscape: window.width > window.height,
            window,
        }
    }

    /// Whether the frame's header holds the progress and the switches beside the title: a landscape panel at normal
    /// text size has the room; a portrait one, or large text, gives them lines of their own.
    pub fn header_on_one_line(&self) -> bool {
        self.landscape && self.window.width >= self.text * 62.0
    }

    /// The height the frame's header takes, roughly, for the layout estimates of the screens.
    pub fn header_height(&self) -> f32 {
        if self.header_on_one_line() { self.target + self.text * 0.8 } else { self.target * 2.0 + self.text * 2.5 }
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
pub fn secondary_button(theme: &iced::Theme, status: iced::widget::button::Status) -> iced::widget::button::Style {
    use iced::widget::button::{Status, Style};
    let p = Palette::of(theme);
    let face = match status {
        Status::Active | Status::Hovered => p.key,
        Status::Pressed => p.key_pressed,
        Status::Disabled => p.background,
    };
    let text_color = if status == Status::Disabled { p.muted } else { p.key_text };
    Style {
        background: Some(face.into()),
        text_color,
        border: iced::Border { color: p.key_border, width: 1.0, radius: 6.0.into() },
        ..Style::default()
    }
}

/// The chosen one of a set (the active language): an accent frame on a light accent face, its words bold (by
/// the caller), so it reads as selected rather than as greyed out, although it cannot be pressed again. Dark text on
/// a light face, like every secondary button, keeps it legible (and readable by the OCR of the screen tests).
pub fn selected_button(theme: &iced::Theme, _status: iced::widget::button::Status) -> iced::widget::button::Style {
    use iced::widget::button::Style;
    let p = Palette::of(theme);
    Style {
        background: Some(p.selected.into()),
        text_color: p.selected_text,
        border: iced::Border { color: p.accent, width: 1.0, radius: 6.0.into() },
        ..Style::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_pair_of_words_and_background_reads_in_both_themes() {
        for (theme, palette, words, outlines) in
            [("normal", NORMAL, 4.5, 3.0), ("high contrast", HIGH_CONTRAST, 7.0, 3.0)]
        {
            for (name, fg, bg) in palette.text_pairs() {
                let ratio = contrast(fg, bg);
                assert!(ratio >= words, "{theme}: {name} is {ratio:.2}:1, under {words}:1");
            }
            for (name, fg, bg) in palette.outline_pairs() {
                let ratio = contrast(fg, bg);
                assert!(ratio >= outlines, "{theme}: {name} is {ratio:.2}:1, under {outlines}:1");
            }
        }
    }

    #[test]
    fn the_contrast_ratio_is_wcags() {
        assert!((contrast(Color::BLACK, Color::WHITE) - 21.0).abs() < 0.01);
        assert!((contrast(Color::WHITE, Color::WHITE) - 1.0).abs() < 0.001);
        // #767676 on white is the well-known 4.54:1.
        let grey = Color::from_rgb8(0x76, 0x76, 0x76);
        assert!((contrast(grey, Color::WHITE) - 4.54).abs() < 0.01);
    }

    #[test]
    fn a_style_function_tells_the_themes_apart() {
        assert_eq!(Palette::of(&Palette::theme(true)), HIGH_CONTRAST);
        assert_eq!(Palette::of(&Palette::theme(false)), NORMAL);
        assert_eq!(Palette::of(&iced::Theme::Light), NORMAL);
    }

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
