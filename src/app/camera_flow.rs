//! The document camera while the capture screen shows the live picture: a subscription runs the camera thread
//! (see [`crate::camera`]) and turns its events into messages; leaving the screen (or a scan being taken) drops the
//! subscription, which stops the thread.

use super::{App, Message, Screen};
use crate::camera::{self, Event, Picture};
use crate::screen::capture;
use iced::widget::image;
use iced::{Subscription, Task};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, LazyLock};

/// «Сфотографировать» for the camera thread: one kiosk, one camera, one flag.
static SHOOT: LazyLock<Arc<AtomicBool>> = LazyLock::new(|| Arc::new(AtomicBool::new(false)));

impl App {
    pub(super) fn start_camera(&mut self) -> Task<Message> {
        SHOOT.store(false, Ordering::Relaxed);
        if let Screen::Capture(screen) = &mut self.screen {
            screen.frame(None, camera::Hint::Starting);
        }
        Task::none()
    }

    /// Nothing to do by hand: the subscription ends with the screen, and its drop stops the thread.
    pub(super) fn stop_camera(&mut self) {
        SHOOT.store(false, Ordering::Relaxed);
    }

    pub(super) fn shoot(&mut self) -> Task<Message> {
        SHOOT.store(true, Ordering::Relaxed);
        Task::none()
    }

    pub(super) fn camera_subscription(&self) -> Subscription<Message> {
        match &self.screen {
            Screen::Capture(screen) if screen.is_live() => {
                Subscription::run_with(self.env.config.camera.clone(), camera_events)
            }
            _ => Subscription::none(),
        }
    }
}

fn handle(picture: Picture) -> image::Handle {
    image::Handle::from_rgba(picture.width, picture.height, picture.rgba)
}

/// Sets the stop flag when the subscription's stream is dropped.
struct StopOnDrop(Arc<AtomicBool>);

impl Drop for StopOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

// `Subscription::run_with` hands the data it hashed by reference: a `&String` here, not a `&str`.
#[allow(clippy::ptr_arg)]
fn camera_events(spec: &String) -> impl iced::futures::Stream<Item = Message> + use<> {
    let spec = spec.clone();
    iced::stream::channel(2, async move |mut output: iced::futures::channel::mpsc::Sender<Message>| {
        use iced::futures::SinkExt;
        let spec = match pdo_vision::parse_camera_spec(&spec) {
            Ok(spec) => spec,
            Err(err) => {
                tracing::warn!(error = %err.0, "camera setting not understood");
                let _ = output.send(Message::Capture(capture::Message::Frame(None, camera::Hint::NoCamera))).await;
                return;
            }
        };
        let (tx, mut rx) = tokio::sync::mpsc::channel(2);
        let stop = Arc::new(AtomicBool::new(false));
        let _stop_on_drop = StopOnDrop(stop.clone());
        let _thread = camera::spawn(spec, SHOOT.clone(), stop, tx);
        while let Some(event) = rx.recv().await {
            let message = match event {
                Event::Frame { preview, hint } => capture::Message::Frame(preview.map(handle), hint),
                Event::Scanned { jpeg, picture } => {
                    capture::Message::Taken(capture::Scan { jpeg, preview: handle(picture) })
                }
            };
            if output.send(Message::Capture(message)).await.is_err() {
                return;
            }
        }
    })
}
