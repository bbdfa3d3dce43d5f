//! The on-screen keyboard: Russian ЙЦУКЕН, Latin QWERTY, a digit pad and a birth-certificate series picker, with
//! keys a full touch target tall. It shows the keys the field being edited takes (see `field_kind`), edits
//! whichever field the root says is being edited, so a tap on a key never loses the field, and physical keyboards
//! keep working beside it. «Далее ›» moves to the next field, and from the last one does what Enter does.

use crate::theme;
use crate::widget::ViewContext;
use crate::widget::field_kind::{FieldKind, ROMAN};
use iced::widget::{Row, button, column, container, text};
use iced::{Element, Fill, Length, alignment};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Layout {
    #[default]
    Russian,
    Latin,
    Digits,
    Series,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    Char(char),
    Backspace,
    /// Empties the field in one tap.
    Clear,
    Shift,
    Switch(Layout),
    /// To the next field; from the last one, the screen's main button.
    Next,
}

/// The keyboard's own state: the field's kind, the layout shown and shift.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Keyboard {
    pub kind: FieldKind,
    pub layout: Layout,
    pub shift: bool,
}

impl Default for Keyboard {
    fn default() -> Self {
        Self::for_field(FieldKind::Latin)
    }
}

const DIGITS: &str = "1234567890";
const RUSSIAN: [&str; 3] = ["йцукенгшщзхъ", "фывапролджэё", "ячсмитьбю"];
const LATIN: [&str; 3] = ["qwertyuiop", "asdfghjkl", "zxcvbnm"];
const SYMBOLS: &str = "@.,-_'";
const PAD: [&str; 3] = ["123", "456", "789"];

impl Keyboard {
    /// The keyboard a field of this kind starts with.
    pub fn for_field(kind: FieldKind) -> Self {
        let layout = match kind {
            FieldKind::Name | FieldKind::Text => Layout::Russian,
            FieldKind::Latin => Layout::Latin,
            FieldKind::Digits(_) => Layout::Digits,
            FieldKind::Series => Layout::Series,
        };
        Self { kind, layout, shift: false }
    }

    /// Applies a key to the keyboard itself (shift, layout) and to `value`; returns the new value when it changed.
    /// `Next` changes nothing here: the root moves the focus.
    pub fn press(&mut self, key: Key, value: &str) -> Option<String> {
        match key {
            Key::Char(c) => {
                let capital = self.shift || self.kind.capital_next(value);
                let typed = if capital { c.to_uppercase().next().unwrap_or(c) } else { c };
                // Shift holds for one letter, as on a phone.
                self.shift = false;
                Some(self.kind.append(value, typed))
            }
            Key::Backspace => self.kind.erase(value),
            Key::Clear => (!value.is_empty()).then(String::new),
            Key::Shift => {
                self.shift = !self.shift;
                None
            }
            Key::Switch(layout) => {
                self.layout = layout;
                None
            }
            Key::Next => None,
        }
    }

    /// The keys for the layout shown; `value` is the field's text (a name's first letter shows as a capital).
    pub fn view<'a, M: Clone + 'a>(
        &self,
        ctx: ViewContext<'_>,
        value: &str,
        on_key: impl Fn(Key) -> M,
    ) -> Element<'a, M> {
        let capital = self.shift || self.kind.capital_next(value);
        let keys = Keys { ctx, capital, on_key: &on_key };
        let rows: Vec<Element<'a, M>> = match self.layout {
            Layout::Russian | Layout::Latin => self.letter_rows(&keys),
            Layout::Digits => return keys.pad(),
            Layout::Series => keys.series(),
        };
        container(column(rows).spacing(ctx.metrics.text * 0.25))
            .padding(ctx.metrics.text * 0.4)
            .align_y(alignment::Vertical::Bottom)
            .width(Fill)
            .into()
    }

    fn letter_rows<'a, M: Clone + 'a>(&self, keys: &Keys<'_, '_, M>) -> Vec<Element<'a, M>> {
        let [first, second, third] = if self.layout == Layout::Latin { LATIN } else { RUSSIAN };
        let mut top = keys.chars(DIGITS);
        top.push(keys.word("keyboard-clear", Key::Clear, 4));
        let mut last = keys.chars(third);
        last.insert(0, keys.word("keyboard-shift", Key::Shift, 4));
        last.push(keys.word("keyboard-backspace", Key::Backspace, 4));
        let mut bottom = vec![match self.layout {
            Layout::Latin => keys.word("keyboard-russian", Key::Switch(Layout::Russian), 3),
            _ => keys.word("keyboard-latin", Key::Switch(Layout::Latin), 3),
        }];
        bottom.extend(keys.chars(SYMBOLS));
        bottom.push(keys.word("keyboard-space", Key::Char(' '), 6));
        bottom.push(keys.word("keyboard-next", Key::Next, 4));
        [top, keys.chars(first), keys.chars(second), last, bottom].into_iter().map(|r| keys.row(r)).collect()
    }
}

/// Builds the keys of one layout.
struct Keys<'c, 'f, M> {
    ctx: ViewContext<'c>,
    capital: bool,
    on_key: &'f dyn Fn(Key) -> M,
}

impl<M: Clone> Keys<'_, '_, M> {
    fn key<'a>(&self, label: String, size: f32, key: Key, width: u16, height: f32) -> Element<'a, M>
    where
        M: 'a,
    {
        button(text(label).size(size).width(Fill).height(Fill).center())
            .width(Length::FillPortion(width))
            .height(Length::Fixed(height))
            .padding(2)
            .style(theme::secondary_button)
            .on_press((self.on_key)(key))
            .into()
    }

    /// A key with a word on it, in smaller type so the word fits (with large text too: keys grow less than text).
    fn word<'a>(&self, id: &str, key: Key, width: u16) -> Element<'a, M>
    where
        M: 'a,
    {
        self.key(self.ctx.i18n.tr(id), self.ctx.metrics.key_words, key, width, self.ctx.metrics.key)
    }

    fn chars<'a>(&self, row: &str) -> Vec<Element<'a, M>>
    where
        M: 'a,
    {
        row.chars()
            .map(|c| {
                let shown = if self.capital { c.to_uppercase().collect() } else { c.to_string() };
                self.key(shown, self.ctx.metrics.text, Key::Char(c), 2, self.ctx.metrics.key)
            })
            .collect()
    }

    fn row<'a>(&self, keys: Vec<Element<'a, M>>) -> Element<'a, M>
    where
        M: 'a,
    {
        Row::with_children(keys).spacing(self.ctx.metrics.text * 0.25).width(Fill).into()
    }

    /// Big digits, three to a row, as on a telephone; separators are put in by the field's mask.
    fn pad<'a>(&self) -> Element<'a, M>
    where
        M: 'a,
    {
        let ctx = self.ctx;
        let digit = |c: char| self.key(c.to_string(), ctx.metrics.title, Key::Char(c), 1, ctx.metrics.target);
        let word = |id: &str, key: Key| self.key(ctx.i18n.tr(id), ctx.metrics.text, key, 1, ctx.metrics.target);
        let mut rows = vec![
            self.row(vec![word("keyboard-clear", Key::Clear), word("keyboard-russian", Key::Switch(Layout::Russian))]),
        ];
        rows.extend(PAD.iter().map(|r| self.row(r.chars().map(digit).collect())));
        rows.push(self.row(vec![
            word("keyboard-backspace", Key::Backspace),
            digit('0'),
            word("keyboard-next", Key::Next),
        ]));
        container(column(rows).spacing(ctx.metrics.text * 0.3).max_width(ctx.metrics.target * 8.0))
            .padding(ctx.metrics.text * 0.4)
            .align_x(alignment::Horizontal::Center)
            .align_y(alignment::Vertical::Bottom)
            .width(Fill)
            .into()
    }

    /// The Roman digits first, then the Russian letters (capitals), so "III-ЛО" takes five taps.
    fn series<'a>(&self) -> Vec<Element<'a, M>>
    where
        M: 'a,
    {
        let ctx = self.ctx;
        let mut roman: Vec<Element<'a, M>> = ROMAN
            .iter()
            .map(|&c| self.key(c.to_string(), ctx.metrics.text, Key::Char(c), 2, ctx.metrics.key))
            .collect();
        roman.push(self.word("keyboard-clear", Key::Clear, 4));
        let mut last = self.chars(RUSSIAN[2]);
        last.push(self.word("keyboard-backspace", Key::Backspace, 4));
        let bottom = vec![
            self.word("keyboard-latin", Key::Switch(Layout::Latin), 3),
            self.word("keyboard-russian", Key::Switch(Layout::Russian), 3),
            self.word("keyboard-next", Key::Next, 4),
        ];
        [roman, self.chars(RUSSIAN[0]), self.chars(RUSSIAN[1]), last, bottom].into_iter().map(|r| self.row(r)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::widget::field_kind::{DATE, SNILS};

    #[test]
    fn letters_append_and_backspace_removes_one_character() {
        let mut keyboard = Keyboard::for_field(FieldKind::Text);
        let value = keyboard.press(Key::Char('д'), "").unwrap();
        let value = keyboard.press(Key::Char('ё'), &value).unwrap();
        assert_eq!(value, "дё");
        assert_eq!(keyboard.press(Key::Backspace, &value).as_deref(), Some("д"));
        assert_eq!(keyboard.press(Key::Backspace, ""), None, "nothing to erase");
    }

    #[test]
    fn shift_makes_one_capital_then_lets_go() {
        let mut keyboard = Keyboard::for_field(FieldKind::Text);
        assert_eq!(keyboard.press(Key::Shift, ""), None);
        let value = keyboard.press(Key::Char('ё'), "").unwrap();
        let value = keyboard.press(Key::Char('ж'), &value).unwrap();
        assert_eq!(value, "Ёж");
    }

    #[test]
    fn a_name_gets_its_capitals_without_shift() {
        let mut keyboard = Keyboard::for_field(FieldKind::Name);
        let value = "анна-мария".chars().fold(String::new(), |v, c| keyboard.press(Key::Char(c), &v).unwrap());
        assert_eq!(value, "Анна-Мария");
    }

    #[test]
    fn each_kind_of_field_opens_its_own_keys() {
        assert_eq!(Keyboard::for_field(DATE).layout, Layout::Digits);
        assert_eq!(Keyboard::for_field(SNILS).layout, Layout::Digits);
        assert_eq!(Keyboard::for_field(FieldKind::Series).layout, Layout::Series);
        assert_eq!(Keyboard::for_field(FieldKind::Latin).layout, Layout::Latin);
        assert_eq!(Keyboard::for_field(FieldKind::Name).layout, Layout::Russian);
    }

    #[test]
    fn clear_empties_the_field_in_one_tap_and_digits_get_their_dots() {
        let mut keyboard = Keyboard::for_field(DATE);
        let value = "31022015".chars().fold(String::new(), |v, c| keyboard.press(Key::Char(c), &v).unwrap());
        assert_eq!(value, "31.02.2015");
        assert_eq!(keyboard.press(Key::Clear, &value).as_deref(), Some(""));
        assert_eq!(keyboard.press(Key::Clear, ""), None);
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
