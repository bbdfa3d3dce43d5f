//! Lists for touch: a few large cards per page with page buttons instead of a fine scrolling list, and cards that
//! are pressed as a whole (a child, a certificate group, an application).

use crate::theme::{self, FONT_BOLD_FACE};
use crate::widget::ViewContext;
use crate::widget::controls::plain_button;
use iced::widget::{Column, button, column, container, row, text};
use iced::{Alignment, Border, Element, Fill, Length};

/// The items of page `page` (clamped to the last page), that page and the number of pages (at least one).
pub fn page_of<T>(items: &[T], page: usize, size: usize) -> (&[T], usize, usize) {
    let pages = items.len().div_ceil(size).max(1);
    let page = page.min(pages - 1);
    let start = (page * size).min(items.len());
    (&items[start..(start + size).min(items.len())], page, pages)
}

/// "‹ Назад  2 из 3  Ещё ›" under a paged list; nothing when everything fits on one page.
pub fn pager<'a, M: Clone + 'a>(
    ctx: ViewContext<'_>,
    page: usize,
    pages: usize,
    on_page: impl Fn(usize) -> M,
) -> Element<'a, M> {
    if pages <= 1 {
        return row![].into();
    }
    let i18n = ctx.i18n;
    row![
        plain_button(ctx, i18n.tr("page-previous"), (page > 0).then(|| on_page(page - 1))),
        text(i18n.tr_with("page-of", [("page", (page + 1).into()), ("pages", pages.into())]))
            .size(ctx.metrics.text)
            .wrapping(text::Wrapping::None),
        plain_button(ctx, i18n.tr("page-next"), (page + 1 < pages).then(|| on_page(page + 1))),
    ]
    .spacing(ctx.metrics.spacing)
    .align_y(Alignment::Center)
    .into()
}

/// A card pressed as a whole: a bold title and smaller lines under it. `selected` draws it as the chosen one.
pub fn card_button<'a, M: Clone + 'a>(
    ctx: ViewContext<'_>,
    title: String,
    lines: Vec<String>,
    selected: bool,
    on_press: Option<M>,
) -> Element<'a, M> {
    let mut content = column![text(title).size(ctx.metrics.text).font(FONT_BOLD_FACE)].spacing(ctx.metrics.text * 0.2);
    for line in lines {
        content = content.push(text(line).size(ctx.metrics.small));
    }
    button(container(content).width(Fill))
        .width(Fill)
        .height(Length::Shrink)
        .padding(ctx.metrics.text * 0.6)
        .style(move |theme, status| card_style(theme, status, selected))
        .on_press_maybe(on_press)
        .into()
}

/// Cards of one page, spaced evenly.
pub fn cards<'a, M: 'a>(ctx: ViewContext<'_>, items: impl IntoIterator<Item = Element<'a, M>>) -> Element<'a, M> {
    Column::with_children(items).spacing(ctx.metrics.text * 0.5).width(Fill).into()
}

fn card_style(theme: &iced::Theme, status: button::Status, selected: bool) -> button::Style {
    let p = theme::Palette::of(theme);
    let (face, words) = match (selected, status) {
        (true, _) => (p.selected, p.selected_text),
        (false, button::Status::Pressed) => (p.key_pressed, p.key_text),
        (false, _) => (p.background, p.text),
    };
    let (border, width) = if selected { (p.accent, 3.0) } else { (p.key_border, 1.0) };
    button::Style {
        background: Some(face.into()),
        text_color: words,
        border: Border { color: border, width, radius: 8.0.into() },
        ..button::Style::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_are_clamped_and_never_empty_of_meaning() {
        let items: Vec<u32> = (0..7).collect();
        assert_eq!(page_of(&items, 0, 3), (&items[0..3], 0, 3));
        assert_eq!(page_of(&items, 2, 3), (&items[6..7], 2, 3));
        assert_eq!(page_of(&items, 9, 3), (&items[6..7], 2, 3), "a page past the end shows the last one");
        let none: [u32; 0] = [];
        assert_eq!(page_of(&none, 1, 3), (&none[..], 0, 1));
    }
}
