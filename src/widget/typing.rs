//! A screen with the on-screen keyboard open: the screen's content in an area of its own that scrolls rather than
//! squeezes, beside the keyboard on a landscape panel (all the height stays for the form) and above it on a
//! portrait one, and the focused field scrolled into view whenever it would be hidden.
//!
//! Squeezing is what made a wrong password push «Войти» down to 15 px under the keyboard: a column that does not
//! fit gives its fixed-height buttons less than they asked for. In a scrolling area nothing is ever shorter than
//! it asked to be.

use crate::widget::ViewContext;
use iced::advanced::widget::operation::{Focusable, Operation, Outcome, Scrollable};
use iced::advanced::widget::{self, Id};
use iced::widget::scrollable::AbsoluteOffset;
use iced::widget::{column, container, row, scrollable};
use iced::{Element, Fill, Length, Rectangle, Task, Vector, alignment};

/// The widget id of the scrolling area the screen's content lives in while the keyboard is open.
pub const CONTENT_ID: &str = "typing-content";

/// The widget id of the screen's main button (one per screen), kept in view with the focused field.
pub const MAIN_ACTION_ID: &str = "main-action";

/// Marks the screen's main button, so scrolling keeps it in view with the field being typed in.
pub fn main_action<'a, M: 'a>(button: impl Into<Element<'a, M>>) -> Element<'a, M> {
    container(button).id(MAIN_ACTION_ID).into()
}

/// The content and the keyboard, laid out for the panel's orientation.
pub fn with_keyboard<'a, M: 'a>(
    ctx: ViewContext<'_>,
    content: Element<'a, M>,
    keyboard: Element<'a, M>,
) -> Element<'a, M> {
    let area = scrollable(content)
        .id(CONTENT_ID)
        .direction(scrollable::Direction::Vertical(
            scrollable::Scrollbar::new().width(ctx.metrics.spacing * 0.5).scroller_width(ctx.metrics.spacing * 0.5),
        ))
        .width(Fill)
        .height(Fill);
    if ctx.metrics.landscape {
        // Keys stay wider than 12 mm in 9/20 of a 1920 px panel (about 60 px for a letter).
        row![
            container(area).width(Length::FillPortion(11)).height(Fill),
            container(keyboard).width(Length::FillPortion(9)).height(Fill).align_y(alignment::Vertical::Bottom),
        ]
        .spacing(ctx.metrics.spacing)
        .into()
    } else {
        column![area, keyboard].into()
    }
}

/// Scrolls the content area so the field being edited (`field`; the focused one when `None`), with a field's
/// height of room around it for its label and its message, is in view, and the screen's main button with it when
/// both fit; does nothing when they already are, or when the field is not in the area. A tap on a button takes
/// the focus from the field, but the keyboard still types into it, so it is found by its id.
pub fn reveal_field<T: Send + 'static>(field: Option<Id>) -> Task<T> {
    widget::operate(reveal(field)).then(|offset| iced::widget::operation::scroll_to(CONTENT_ID, offset))
}

/// The operation behind [`reveal_field`]: it yields the offset to scroll the content area to, if any.
pub fn reveal(field: Option<Id>) -> impl Operation<AbsoluteOffset> {
    Reveal { field, ..Reveal::default() }
}

#[derive(Debug, Default)]
struct Reveal {
    /// The field to show, by id; the focused one when `None`.
    field: Option<Id>,
    /// The content area's bounds and how far it is scrolled.
    area: Option<(Rectangle, Vector)>,
    /// Set by the area, taken by the traversal of its children that follows at once.
    entering_area: bool,
    inside_area: bool,
    focused: Option<Rectangle>,
    main_action: Option<Rectangle>,
}

impl Operation<AbsoluteOffset> for Reveal {
    fn traverse(&mut self, operate: &mut dyn FnMut(&mut dyn Operation<AbsoluteOffset>)) {
        let was_inside = self.inside_area;
        self.inside_area |= std::mem::take(&mut self.entering_area);
        operate(self);
        self.inside_area = was_inside;
    }

    fn scrollable(
        &mut self,
        id: Option<&Id>,
        bounds: Rectangle,
        _content_bounds: Rectangle,
        translation: Vector,
        _state: &mut dyn Scrollable,
    ) {
        if id == Some(&Id::new(CONTENT_ID)) {
            self.area = Some((bounds, translation));
            self.entering_area = true;
        }
    }

    fn container(&mut self, id: Option<&Id>, bounds: Rectangle) {
        if self.inside_area && id == Some(&Id::new(MAIN_ACTION_ID)) {
            self.main_action = Some(bounds);
        }
    }

    fn focusable(&mut self, id: Option<&Id>, bounds: Rectangle, state: &mut dyn Focusable) {
        let wanted = match &self.field {
            Some(field) => id == Some(field),
            None => state.is_focused(),
        };
        if self.inside_area && wanted {
            self.focused = Some(bounds);
        }
    }

    fn finish(&self) -> Outcome<AbsoluteOffset> {
        match (self.area, self.focused) {
            (Some((area, scrolled)), Some(field)) => match offset_to_show(area, scrolled.y, field, self.main_action) {
                Some(y) => Outcome::Some(AbsoluteOffset { x: 0.0, y }),
                None => Outcome::None,
            },
            _ => Outcome::None,
        }
    }
}

/// The offset that brings `field` (laid out in content coordinates that start at `area.y`) into the area scrolled
/// by `scrolled`, with room around it, and `main_action` too when both fit; `None` when they are in view already.
fn offset_to_show(area: Rectangle, scrolled: f32, field: Rectangle, main_action: Option<Rectangle>) -> Option<f32> {
    let room = field.height;
    let mut top = field.y - area.y - room;
    let mut bottom = field.y - area.y + field.height + room;
    if let Some(main) = main_action {
        let (main_top, main_bottom) = (main.y - area.y, main.y - area.y + main.height);
        if bottom.max(main_bottom) - top.min(main_top) <= area.height {
            (top, bottom) = (top.min(main_top), bottom.max(main_bottom));
        }
    }
    if top < scrolled {
        Some(top.max(0.0))
    } else if bottom > scrolled + area.height {
        Some(bottom - area.height)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rect(y: f32, height: f32) -> Rectangle {
        Rectangle { x: 0.0, y, width: 100.0, height }
    }

    #[test]
    fn a_field_in_view_leaves_the_area_where_it_is() {
        assert_eq!(offset_to_show(rect(100.0, 500.0), 0.0, rect(300.0, 60.0), None), None);
    }

    #[test]
    fn a_field_below_the_area_scrolls_up_into_it_with_room_under_it() {
        // Field at content 800..860, room 60 under it: the area (500 tall) must end at 920.
        assert_eq!(offset_to_show(rect(100.0, 500.0), 0.0, rect(900.0, 60.0), None), Some(420.0));
    }

    #[test]
    fn a_field_above_the_scrolled_part_comes_back_with_its_label() {
        // Field at content 200, scrolled to 400: back to 200 less a field's height for the label.
        assert_eq!(offset_to_show(rect(100.0, 500.0), 400.0, rect(300.0, 60.0), None), Some(140.0));
        assert_eq!(offset_to_show(rect(100.0, 500.0), 400.0, rect(110.0, 60.0), None), Some(0.0));
    }

    #[test]
    fn the_main_button_below_comes_into_view_with_the_field_when_both_fit() {
        // Field at content 200..260 (140..320 with its room), button at 520..580: the area (500 tall) must end at
        // 580.
        let main = Some(rect(620.0, 60.0));
        assert_eq!(offset_to_show(rect(100.0, 500.0), 0.0, rect(300.0, 60.0), main), Some(80.0));
        // A button too far away to share the area with the field: the field alone is shown, as it is.
        let far = Some(rect(2000.0, 60.0));
        assert_eq!(offset_to_show(rect(100.0, 500.0), 0.0, rect(300.0, 60.0), far), None);
    }
}
