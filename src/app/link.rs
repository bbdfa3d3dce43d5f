//! The registry link as the sync worker sees it (health checks and the errors of real calls), brought into the app
//! as messages so screens can say calmly that the kiosk works offline.

use super::{App, Message};
use crate::sync::Connectivity;
use iced::Subscription;
use tokio::sync::watch;

/// The worker's watch, as subscription data: one link per kiosk, so it hashes as a constant.
struct LinkWatch(watch::Receiver<Connectivity>);

impl std::hash::Hash for LinkWatch {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        "registry-link".hash(state);
    }
}

impl App {
    pub(super) fn link_subscription(&self) -> Subscription<Message> {
        match &self.env.sync {
            Some(worker) => Subscription::run_with(LinkWatch(worker.connectivity()), link_events),
            None => Subscription::none(),
        }
    }
}

fn link_events(watch: &LinkWatch) -> impl iced::futures::Stream<Item = Message> + use<> {
    let mut receiver = watch.0.clone();
    iced::stream::channel(1, async move |mut output: iced::futures::channel::mpsc::Sender<Message>| {
        use iced::futures::SinkExt;
        loop {
            let now = receiver.borrow_and_update().clone();
            if output.send(Message::Link(now)).await.is_err() || receiver.changed().await.is_err() {
                return;
            }
        }
    })
}
