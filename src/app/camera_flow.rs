//! The document camera while the capture screen is shown: frames and hints in, a scan out.
//! (Being wired to the pdo-vision pipeline; until then the scan only arrives as `Message::ScanTaken`.)

use super::{App, Message, Screen};
use crate::screen::capture;
use iced::{Subscription, Task};

impl App {
    pub(super) fn start_camera(&mut self) -> Task<Message> {
        if let Screen::Capture(screen) = &mut self.screen {
            screen.frame(None, capture::Hint::NoCamera);
        }
        Task::none()
    }

    pub(super) fn stop_camera(&mut self) {}

    pub(super) fn shoot(&mut self) -> Task<Message> {
        Task::none()
    }

    pub(super) fn scan_taken(&mut self, scan: capture::Scan) -> Task<Message> {
        if let Screen::Capture(screen) = &mut self.screen {
            screen.taken(scan);
        }
        Task::none()
    }

    pub(super) fn camera_subscription(&self) -> Subscription<Message> {
        Subscription::none()
    }
}
