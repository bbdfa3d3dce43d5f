//! The on-screen keyboard: Russian ЙЦУКЕН, Latin QWERTY, digits and the symbols e-mail addresses need, with keys a
//! full touch target tall. It edits whichever field the root says is being edited, so a tap on a key never loses
//! the field, and physical keyboards keep working beside it.

use crate::screen::ViewContext;
use crate::theme;
use iced::widget::{Row, button, column, container, text};
use iced::{Element, Fill, Length, alignment};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Layout {
    #[default]
    Russian,
    Latin,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    Char(char),
    Backspace,
    Shift,
    Switch(Layout),
}

/// The keyboard's own state: layout and shift.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Keyboard {
    pub layout: Layout,
    pub shift: bool,
}

const DIGITS: &str = "1234567890";
const RUSSIAN: [&str; 3] = ["йцукенгшщзхъ", "фывапролджэё", "ячсмитьбю"];
const LATIN: [&str; 3] = ["qwertyuiop", "asdfghjkl", "zxcvbnm"];
const SYMBOLS: &str = "@.-_'";

/// The layout a field starts in: logins, passwords and e-mail addresses are Latin.
pub fn layout_for(latin: bool) -> Layout {
    if latin { Layout::Latin } else { Layout::Russian }
}

impl Keyboard {
    /// Applies a key to the keyboard itself (shift, layout) and to `value`; returns the new value when it changed.
    pub fn press(&mut self, key: Key, value: &str) -> Option<String> {
        match key {
            Key::Char(c) => {
                let typed = if self.shift { c.to_uppercase().collect::<String>() } else { c.to_string() };
                // Shift holds for one letter, as on a phone.
                self.shift = false;
                Some(format!("{value}{typed}"))
            }
            Key::Backspace => {
                let mut chars = value.chars();
                chars.next_back().map(|_| chars.as_str().to_string())
            }
            Key::Shift => {
                self.shift = !self.shift;
                None
            }
            Key::Switch(layout) => {
                self.layout = layout;
                None
            }
        }
    }

    fn letters(&self) -> [&'static str; 3] {
        match self.layout {
            Layout::Russian => RUSSIAN,
            Layout::Latin => LATIN,
        }
    }

    pub fn view<'a, M: Clone + 'a>(&self, ctx: ViewContext<'_>, on_key: impl Fn(Key) -> M) -> Element<'a, M> {
        let key_height = ctx.metrics.key;
        let key = |label: String, key: Key, width: u16| -> Element<'a, M> {
            button(text(label).size(ctx.metrics.text).width(Fill).height(Fill).center())
                .width(Length::FillPortion(width))
                .height(Length::Fixed(key_height))
                .style(theme::secondary_button)
                .on_press(on_key(key))
                .into()
        };
        let chars = |row: &str| -> Vec<Element<'a, M>> {
            row.chars()
                .map(|c| {
                    let shown = if self.shift { c.to_uppercase().collect() } else { c.to_string() };
                    key(shown, Key::Char(c), 2)
                })
                .collect()
        };
        let row = |keys: Vec<Element<'a, M>>| Row::with_children(keys).spacing(ctx.metrics.text * 0.25).width(Fill);
        let [first, second, third] = self.letters();
        let mut last = chars(third);
        last.insert(0, key(ctx.i18n.tr("keyboard-shift"), Key::Shift, 3));
        last.push(key(ctx.i18n.tr("keyboard-backspace"), Key::Backspace, 4));
        let mut bottom = chars(SYMBOLS);
        let switch = match self.layout {
            Layout::Russian => key(ctx.i18n.tr("keyboard-latin"), Key::Switch(Layout::Latin), 3),
            Layout::Latin => key(ctx.i18n.tr("keyboard-russian"), Key::Switch(Layout::Russian), 3),
        };
        bottom.insert(0, switch);
        bottom.push(key(ctx.i18n.tr("keyboard-space"), Key::Char(' '), 8));
        container(
            column![row(chars(DIGITS)), row(chars(first)), row(chars(second)), row(last), row(bottom)]
                .spacing(ctx.metrics.text * 0.25),
        )
        .padding(ctx.metrics.text * 0.4)
        .align_y(alignment::Vertical::Bottom)
        .width(Fill)
        .into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters_append_and_backspace_removes_one_character() {
        let mut keyboard = Keyboard::default();
        let value = keyboard.press(Key::Char('д'), "").unwrap();
        let value = keyboard.press(Key::Char('ё'), &value).unwrap();
        assert_eq!(value, "дё");
        assert_eq!(keyboard.press(Key::Backspace, &value).as_deref(), Some("д"));
        assert_eq!(keyboard.press(Key::Backspace, ""), None, "nothing to erase");
    }

    #[test]
    fn shift_makes_one_capital_then_lets_go() {
        let mut keyboard = Keyboard::default();
        assert_eq!(keyboard.press(Key::Shift, ""), None);
        let value = keyboard.press(Key::Char('ё'), "").unwrap();
        let value = keyboard.press(Key::Char('ж'), &value).unwrap();
        assert_eq!(value, "Ёж");
    }

    #[test]
    fn layouts_hold_every_russian_letter_and_the_latin_alphabet() {
        let russian: String = RUSSIAN.concat();
        assert_eq!(russian.chars().count(), 33);
        for c in 'а'..='я' {
            assert!(russian.contains(c), "{c} missing");
        }
        let latin: String = LATIN.concat();
        assert_eq!(latin.len(), 26);
        assert!(SYMBOLS.contains('@') && SYMBOLS.contains('.'), "e-mail needs @ and .");
    }
}
