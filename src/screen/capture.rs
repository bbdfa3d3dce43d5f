//! The photo of the document: the camera's live picture with the guide frame and the outline of the document found
//! in it, a plain hint ("move closer", "hold still"), capture on its own once the picture is good (or with the
//! button), then the flattened scan shown large with «Переснять» and «Подходит».
//!
//! Frames and hints come from the camera subscription (run by the root, which owns the one camera), the scan from
//! the pipeline, both as this screen's messages; so does the registry's answer to the upload (`upload`). The scan's
//! bytes are held in a buffer that is zeroed when dropped.

use super::{Registry, ViewContext};
use crate::registry::ClientError;
use crate::theme::{self, FONT_BOLD_FACE};
use crate::widget::controls::{big_button, plain_button};
use iced::widget::{center, column, container, image, row, stack, text};
use iced::{Border, Color, Element, Fill, Length};
use zeroize::Zeroizing;

#[derive(Debug, Clone)]
pub enum Message {
    Shoot,
    Retake,
    Accept,
    /// A picture from the camera, with what to tell the person about it.
    Frame(Option<image::Handle>, Hint),
    /// A flattened scan from the pipeline (auto-capture or the button).
    Taken(Scan),
    /// The registry's answer to the upload.
    Uploaded(Result<(), ClientError>),
}

impl Message {
    /// Whether this is the answer of a task (which belongs to the session that started it) rather than a tap or a
    /// camera frame.
    pub fn is_result(&self) -> bool {
        matches!(self, Message::Taken(_) | Message::Uploaded(_))
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    None,
    /// Take the picture now (the manual button).
    Shoot,
    /// Back to the live picture.
    Retake,
    /// Upload this scan (the root sends it the way that serves: `upload` online).
    Accept,
    /// The scan is at the registry.
    Uploaded,
    /// The registry no longer knows the session: it ends.
    SessionEnded,
}

pub use crate::camera::Hint;

/// The locale message of a hint.
fn hint_message(hint: Hint) -> &'static str {
    match hint {
        Hint::Starting => "capture-starting",
        Hint::PlaceDocument => "capture-place",
        Hint::MoveCloser => "capture-closer",
        Hint::HoldStill => "capture-still",
        Hint::Glare => "capture-glare",
        Hint::CutOff => "capture-cut-off",
        Hint::Capturing => "capture-capturing",
        Hint::NoCamera => "capture-no-camera",
    }
}

/// A flattened scan ready to upload.
#[derive(Clone)]
pub struct Scan {
    pub jpeg: Zeroizing<Vec<u8>>,
    pub preview: image::Handle,
}

impl std::fmt::Debug for Scan {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Scan({} bytes)", self.jpeg.len())
    }
}

#[derive(Debug)]
pub struct Capture {
    document: String,
    live: Option<image::Handle>,
    hint: Hint,
    scan: Option<Scan>,
    busy: bool,
    problem: Option<String>,
}

impl Capture {
    /// `document`: what is being photographed, in words ("свидетельство о рождении IV-ЛО 123456").
    pub fn new(document: String) -> Self {
        Self { document, live: None, hint: Hint::Starting, scan: None, busy: false, problem: None }
    }

    pub fn hint(&self) -> Hint {
        self.hint
    }

    pub fn scan(&self) -> Option<&Scan> {
        self.scan.as_ref()
    }

    pub fn is_live(&self) -> bool {
        self.scan.is_none()
    }

    /// A new picture from the camera, with what to tell the person about it.
    pub fn frame(&mut self, preview: Option<image::Handle>, hint: Hint) {
        if self.scan.is_none() {
            self.live = preview.or(self.live.take());
            self.hint = hint;
        }
    }

    /// The pipeline produced a scan (automatically or after «Сфотографировать»).
    fn taken(&mut self, scan: Scan) {
        self.scan = Some(scan);
        self.problem = None;
    }

    /// The message shown about the last try, if any.
    pub fn problem(&self) -> Option<&str> {
        self.problem.as_deref()
    }

    /// The upload did not go through: the scan stays, the person can try again. An empty `problem` clears the
    /// message (the offline way took over).
    pub fn failed(&mut self, problem: String) {
        self.busy = false;
        self.problem = (!problem.is_empty()).then_some(problem);
    }

    pub fn update(&mut self, message: Message, registry: &mut Registry<'_>) -> Action {
        match message {
            Message::Frame(preview, hint) => {
                self.frame(preview, hint);
                return Action::None;
            }
            Message::Taken(scan) => {
                tracing::info!(bytes = scan.jpeg.len(), "scan taken");
                self.taken(scan);
                return Action::None;
            }
            Message::Uploaded(Ok(())) => {
                tracing::info!("scan uploaded");
                return Action::Uploaded;
            }
            Message::Uploaded(Err(ClientError::Unauthorized)) => return Action::SessionEnded,
            Message::Uploaded(Err(err)) => {
                tracing::info!(code = err.code(), "scan not uploaded");
                self.failed(registry.problem(&err));
                return Action::None;
            }
            _ if self.busy => return Action::None,
            _ => {}
        }
        match message {
            Message::Shoot if self.scan.is_none() && self.hint != Hint::NoCamera => {
                self.hint = Hint::Capturing;
                Action::Shoot
            }
            Message::Shoot => Action::None,
            Message::Retake => {
                self.scan = None;
                self.problem = None;
                self.hint = Hint::PlaceDocument;
                Action::Retake
            }
            Message::Accept if self.scan.is_some() => {
                self.busy = true;
                Action::Accept
            }
            Message::Accept | Message::Frame(..) | Message::Taken(_) | Message::Uploaded(_) => Action::None,
        }
    }

    pub fn view(&self, ctx: ViewContext<'_>) -> Element<'_, Message> {
        let i18n = ctx.i18n;
        let title = text(i18n.tr("capture-title")).size(ctx.metrics.title).font(FONT_BOLD_FACE);
        let what =
            text(i18n.tr_with("capture-what", [("document", self.document.as_str().into())])).size(ctx.metrics.text);
        let mut page = column![title, what].spacing(ctx.metrics.text * 0.5);
        match &self.scan {
            None => {
                let warn = matches!(self.hint, Hint::NoCamera | Hint::Glare | Hint::CutOff);
                page = page
                    .push(text(i18n.tr(hint_message(self.hint))).size(ctx.metrics.title).style(theme::tone(if warn {
                        theme::Tone::Danger
                    } else {
                        theme::Tone::Accent
                    })))
                    .push(self.live_view(ctx))
                    .push(big_button(
                        ctx,
                        i18n.tr("capture-shoot"),
                        (self.hint != Hint::NoCamera).then_some(Message::Shoot),
                    ));
            }
            Some(scan) => {
                page = page
                    .push(text(i18n.tr("capture-check")).size(ctx.metrics.text))
                    .push(container(image(scan.preview.clone()).height(Fill)).center_x(Fill).height(Length::Fill));
                if let Some(problem) = &self.problem {
                    page =
                        page.push(text(problem.clone()).size(ctx.metrics.text).style(theme::tone(theme::Tone::Danger)));
                }
                if self.busy {
                    page = page.push(text(i18n.tr("capture-uploading")).size(ctx.metrics.text));
                }
                page = page.push(
                    row![
                        plain_button(ctx, i18n.tr("capture-retake"), (!self.busy).then_some(Message::Retake)),
                        big_button(ctx, i18n.tr("capture-accept"), (!self.busy).then_some(Message::Accept)),
                    ]
                    .spacing(ctx.metrics.spacing),
                );
            }
        }
        container(page.height(Fill)).center_x(Fill).into()
    }

    /// The live picture under a guide frame that shows where the document goes.
    fn live_view(&self, ctx: ViewContext<'_>) -> Element<'_, Message> {
        let picture: Element<'_, Message> = match &self.live {
            Some(handle) => image(handle.clone()).width(Fill).height(Fill).into(),
            None => center(text(ctx.i18n.tr("capture-no-picture")).size(ctx.metrics.text)).into(),
        };
        let guide = container(text("")).width(Length::FillPortion(1)).height(Fill).style(|_| container::Style {
            border: Border { color: Color::from_rgba(1.0, 1.0, 1.0, 0.85), width: 4.0, radius: 12.0.into() },
            ..container::Style::default()
        });
        let guide = container(guide).padding(ctx.metrics.text * 1.2).width(Fill).height(Fill);
        container(stack![picture, guide])
            .width(Fill)
            .height(Length::Fill)
            .style(|_| container::Style { background: Some(Color::BLACK.into()), ..container::Style::default() })
            .into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::screen::with_registry;

    fn scan() -> Scan {
        Scan { jpeg: Zeroizing::new(vec![0xFF, 0xD8, 0xFF]), preview: image::Handle::from_rgba(1, 1, vec![0; 4]) }
    }

    #[test]
    fn shoot_then_retake_or_accept_once() {
        with_registry(|r| {
            let mut c = Capture::new("свидетельство о рождении IV-ЛО 123456".into());
            assert_eq!(c.update(Message::Accept, r), Action::None, "nothing taken yet");
            assert_eq!(c.update(Message::Shoot, r), Action::Shoot);
            c.update(Message::Taken(scan()), r);
            c.update(Message::Frame(None, Hint::HoldStill), r);
            assert!(!c.is_live(), "frames do not replace a taken scan");
            assert_eq!(c.update(Message::Retake, r), Action::Retake);
            assert!(c.is_live());
            c.update(Message::Taken(scan()), r);
            assert_eq!(c.update(Message::Accept, r), Action::Accept);
            assert_eq!(c.update(Message::Retake, r), Action::None, "busy uploading");
            c.failed("нет связи".into());
            assert_eq!(c.update(Message::Accept, r), Action::Accept, "the same scan again");
        });
    }

    #[test]
    fn without_a_camera_there_is_nothing_to_shoot() {
        with_registry(|r| {
            let mut c = Capture::new("паспорт 32 22 654321".into());
            c.update(Message::Frame(None, Hint::NoCamera), r);
            assert_eq!(c.update(Message::Shoot, r), Action::None);
        });
    }
}
