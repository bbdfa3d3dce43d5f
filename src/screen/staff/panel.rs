//! The staff panel: three pages (health, office figures with the privacy check, camera test) and the actions staff
//! can take from it. Every fact arrives as a [`Fact`] from a task the root started; the panel asks for work through
//! its [`Action`]s and never touches the store, the printer or the network itself.

use super::camera_test::CameraTest;
use super::figures::Figures;
use super::health::{Health, Known};
use super::{Hint, frame};
use crate::screen::ViewContext;
use crate::screen::print::Printer;
use crate::staff::health::{CameraStatus, DiskSpace};
use crate::staff::recent::Problem;
use crate::staff::{OfficeFigures, PrivacyReport};
use crate::store::QueueStatus;
use crate::sync::Connectivity;
use crate::theme;
use crate::widget::controls::{big_button, plain_button};
use iced::widget::{Column, column, container, image, row, text};
use iced::{Element, Fill, Length};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Page {
    Health,
    Figures,
    Camera,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Message {
    Show(Page),
    TestPrint,
    RetrySync,
    Refresh,
    CameraAgain,
    /// «Помочь заявителю».
    Assist,
    Leave,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    None,
    /// Ask again for every fact of the health page.
    Refresh,
    TestPrint,
    RetrySync,
    /// The figures page opened: load the figures and run the privacy check.
    LoadFigures,
    /// The camera test opened (or runs again).
    CameraTest,
    Assist,
    Leave,
}

/// Something found out for the panel.
#[derive(Debug, Clone)]
pub enum Fact {
    Queue(Result<QueueStatus, String>),
    Disk(Option<DiskSpace>),
    Camera(CameraStatus),
    Problems(Vec<Problem>),
    Figures(Result<OfficeFigures, String>),
    Privacy(Result<PrivacyReport, String>),
    /// The test page went to the printer (`Ok`) or did not (the reason, in words for staff).
    TestPrinted(Result<(), String>),
}

#[derive(Debug, Clone, PartialEq)]
enum TestPrint {
    Idle,
    Printing,
    Done,
    Failed(String),
}

#[derive(Debug)]
pub struct Panel {
    page: Page,
    health: Health,
    figures: Figures,
    camera: CameraTest,
    test_print: TestPrint,
    /// "Retry sync" was pressed: say so until the next refresh.
    sync_woken: bool,
}

fn known<T>(result: Result<T, String>) -> Known<T> {
    result.map_or(Known::Failed, Known::Yes)
}

impl Panel {
    pub fn new(link: Connectivity, syncing: bool, printer: Printer) -> Self {
        Self {
            page: Page::Health,
            health: Health::new(link, syncing, printer),
            figures: Figures::default(),
            camera: CameraTest::default(),
            test_print: TestPrint::Idle,
            sync_woken: false,
        }
    }

    pub fn page(&self) -> Page {
        self.page
    }

    pub fn health(&self) -> &Health {
        &self.health
    }

    pub fn camera(&self) -> &CameraTest {
        &self.camera
    }

    pub fn set_link(&mut self, link: Connectivity) {
        self.health.link = link;
    }

    pub fn set_printer(&mut self, printer: Printer) {
        self.health.printer = printer;
    }

    pub fn camera_frame(&mut self, preview: Option<image::Handle>, hint: Hint) {
        self.camera.frame(preview, hint);
    }

    pub fn camera_scanned(&mut self, picture: image::Handle) {
        self.camera.scanned(picture);
    }

    pub fn learn(&mut self, fact: Fact) {
        match fact {
            Fact::Queue(queue) => self.health.queue = known(queue),
            Fact::Disk(disk) => self.health.disk = disk.map_or(Known::Failed, Known::Yes),
            Fact::Camera(camera) => self.health.camera = camera,
            Fact::Problems(problems) => self.health.problems = problems,
            Fact::Figures(figures) => self.figures.figures = known(figures),
            Fact::Privacy(report) => self.figures.privacy = known(report),
            Fact::TestPrinted(Ok(())) => self.test_print = TestPrint::Done,
            Fact::TestPrinted(Err(reason)) => self.test_print = TestPrint::Failed(reason),
        }
    }

    pub fn update(&mut self, message: Message) -> Action {
        match message {
            Message::Show(page) if page == self.page => Action::None,
            Message::Show(page) => {
                self.page = page;
                match page {
                    Page::Health => self.refresh(),
                    Page::Figures => {
                        self.figures = Figures::default();
                        Action::LoadFigures
                    }
                    Page::Camera => {
                        self.camera.again();
                        Action::CameraTest
                    }
                }
            }
            Message::Refresh => self.refresh(),
            Message::TestPrint if self.test_print == TestPrint::Printing => Action::None,
            Message::TestPrint => {
                self.test_print = TestPrint::Printing;
                Action::TestPrint
            }
            Message::RetrySync => {
                self.sync_woken = true;
                Action::RetrySync
            }
            Message::CameraAgain => {
                self.camera.again();
                Action::CameraTest
            }
            Message::Assist => Action::Assist,
            Message::Leave => Action::Leave,
        }
    }

    fn refresh(&mut self) -> Action {
        self.health.queue = Known::Checking;
        self.health.disk = Known::Checking;
        self.health.camera = CameraStatus::Checking;
        self.sync_woken = false;
        Action::Refresh
    }

    pub fn view(&self, ctx: ViewContext<'_>) -> Element<'_, Message> {
        let i18n = ctx.i18n;
        let tab = |page: Page, id: &str| {
            let label = i18n.tr(id);
            // The page shown is disabled, so it reads as selected.
            plain_button(ctx, label, (self.page != page).then_some(Message::Show(page)))
        };
        let tabs = row![
            tab(Page::Health, "staff-page-health"),
            tab(Page::Figures, "staff-page-figures"),
            tab(Page::Camera, "staff-page-camera"),
        ]
        .spacing(ctx.metrics.spacing);
        let content: Element<'_, Message> = match self.page {
            Page::Health => self.health.view(ctx, chrono::Utc::now()),
            Page::Figures => self.figures.view(ctx),
            Page::Camera => self.camera.view(ctx),
        };
        let mut notes = Column::new().spacing(ctx.metrics.text * 0.3);
        let note = |words: String, trouble: bool| {
            text(words).size(ctx.metrics.text).style(theme::tone(if trouble {
                theme::Tone::Danger
            } else {
                theme::Tone::Accent
            }))
        };
        match &self.test_print {
            TestPrint::Idle => {}
            TestPrint::Printing => notes = notes.push(note(i18n.tr("staff-test-print-sending"), false)),
            TestPrint::Done => notes = notes.push(note(i18n.tr("staff-test-print-done"), false)),
            TestPrint::Failed(reason) => {
                notes = notes
                    .push(note(i18n.tr_with("staff-test-print-failed", [("reason", reason.as_str().into())]), true));
            }
        }
        if self.sync_woken {
            notes = notes.push(note(i18n.tr("staff-sync-woken"), false));
        }
        let buttons: Element<'_, Message> = match self.page {
            Page::Health => row![
                plain_button(
                    ctx,
                    i18n.tr("staff-test-print"),
                    (self.test_print != TestPrint::Printing).then_some(Message::TestPrint)
                ),
                plain_button(ctx, i18n.tr("staff-retry-sync"), self.health.syncing.then_some(Message::RetrySync)),
                plain_button(ctx, i18n.tr("staff-refresh"), Some(Message::Refresh)),
            ]
            .spacing(ctx.metrics.spacing)
            .into(),
            Page::Camera => plain_button(
                ctx,
                i18n.tr("staff-camera-again"),
                (!self.camera.is_live()).then_some(Message::CameraAgain),
            ),
            Page::Figures => row![].into(),
        };
        let assist = big_button(ctx, i18n.tr("staff-assist"), Some(Message::Assist));
        let page = column![
            tabs,
            container(content).width(Fill).height(Length::Fill),
            notes,
            row![buttons, iced::widget::space::horizontal(), assist].spacing(ctx.metrics.spacing),
        ]
        .spacing(ctx.metrics.spacing);
        let leave = plain_button(ctx, i18n.tr("staff-leave"), Some(Message::Leave));
        frame(ctx, leave, page.into())
    }
}
