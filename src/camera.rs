//! The document camera on its own thread: frames from the configured source, detection on each, a preview with the
//! document's outline, plain hints, and auto-capture once the document has lain still in view for a second (or at
//! once when the person presses the button). No GUI here: the capture screen receives [`Event`]s.

use pdo_vision::{CameraSpec, CameraState, Frame, Reason, SCAN_JPEG_QUALITY, detect, encode_jpeg, open_source, scan};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};
use zeroize::Zeroizing;

/// How long the document must lie still, found whole, before it is captured by itself.
pub const STEADY_FOR: Duration = Duration::from_secs(1);
/// "Still": no corner moved more than this share of the frame's diagonal since the previous frame.
pub const STEADY_TOLERANCE: f64 = 0.01;
/// The preview is at most this wide: enough for the screen, a quarter of a 1080p frame's pixels.
pub const PREVIEW_WIDTH: u32 = 960;
/// Without a camera, how often to look for one again.
pub const REOPEN_EVERY: Duration = Duration::from_secs(2);

/// What the camera sees right now, as the person is told.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hint {
    Starting,
    PlaceDocument,
    MoveCloser,
    HoldStill,
    Glare,
    CutOff,
    Capturing,
    NoCamera,
}

/// An RGBA picture for the screen.
#[derive(Clone, PartialEq, Eq)]
pub struct Picture {
    pub width: u32,
    pub height: u32,
    pub rgba: Vec<u8>,
}

impl std::fmt::Debug for Picture {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Picture({}×{})", self.width, self.height)
    }
}

#[derive(Debug)]
pub enum Event {
    Frame {
        preview: Option<Picture>,
        hint: Hint,
    },
    /// The flattened scan as JPEG, and a picture of it for the person to check.
    Scanned {
        jpeg: Zeroizing<Vec<u8>>,
        picture: Picture,
    },
}

/// Tracks whether the found document keeps still.
#[derive(Debug, Default)]
pub struct Steady {
    since: Option<Instant>,
    last: Option<[[f64; 2]; 4]>,
}

impl Steady {
    /// Feeds the corners found in a frame (`None`: not found whole); true once they have kept still for
    /// [`STEADY_FOR`].
    pub fn update(&mut self, corners: Option<[[f64; 2]; 4]>, diagonal: f64, now: Instant) -> bool {
        let moved = match (corners, self.last) {
            (Some(now_c), Some(last)) => now_c
                .iter()
                .zip(last.iter())
                .any(|(a, b)| ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2)).sqrt() > STEADY_TOLERANCE * diagonal),
            _ => true,
        };
        self.last = corners;
        if corners.is_none() || moved {
            self.since = corners.map(|_| now);
            return false;
        }
        self.since.is_some_and(|since| now.duration_since(since) >= STEADY_FOR)
    }

    pub fn reset(&mut self) {
        *self = Self::default();
    }
}

/// What to tell the person about a placement or a rejected scan.
pub fn hint_for(reason: Reason) -> Hint {
    match reason {
        Reason::Ok | Reason::Blur => Hint::HoldStill,
        Reason::Glare => Hint::Glare,
        Reason::NoDocument => Hint::PlaceDocument,
        Reason::TooSmall => Hint::MoveCloser,
        Reason::CutOff => Hint::CutOff,
    }
}

/// The frame shrunk to at most `max_width` (by averaging whole blocks of pixels) with the document's outline drawn
/// over it in green.
pub fn preview(frame: &Frame, corners: Option<&[[f64; 2]; 4]>, max_width: u32) -> Picture {
    let step = frame.width().div_ceil(max_width).max(1);
    let (w, h) = (frame.width() / step, frame.height() / step);
    let (fw, rgb) = (frame.width() as usize, frame.rgb());
    let mut rgba = vec![255u8; (w * h * 4) as usize];
    let area = step * step;
    for y in 0..h as usize {
        for x in 0..w as usize {
            let mut sum = [0u32; 3];
            for dy in 0..step as usize {
                let row = (y * step as usize + dy) * fw;
                for dx in 0..step as usize {
                    let i = (row + x * step as usize + dx) * 3;
                    sum[0] += u32::from(rgb[i]);
                    sum[1] += u32::from(rgb[i + 1]);
                    sum[2] += u32::from(rgb[i + 2]);
                }
            }
            let o = (y * w as usize + x) * 4;
            for c in 0..3 {
                rgba[o + c] = (sum[c] / area) as u8;
            }
        }
    }
    let mut picture = Picture { width: w, height: h, rgba };
    if let Some(corners) = corners {
        let scaled: Vec<[f64; 2]> = corners.iter().map(|p| [p[0] / step as f64, p[1] / step as f64]).collect();
        for i in 0..4 {
            draw_line(&mut picture, scaled[i], scaled[(i + 1) % 4], [40, 200, 90]);
        }
    }
    picture
}

/// A picture of a whole RGB frame (the flattened scan), shrunk to at most `max_width`.
pub fn picture_of(frame: &Frame, max_width: u32) -> Picture {
    preview(frame, None, max_width)
}

fn draw_line(picture: &mut Picture, a: [f64; 2], b: [f64; 2], color: [u8; 3]) {
    let steps = ((b[0] - a[0]).abs().max((b[1] - a[1]).abs()).ceil() as usize).max(1);
    for s in 0..=steps {
        let t = s as f64 / steps as f64;
        let (x, y) = (a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t);
        // Three pixels thick, so the outline reads on a busy background.
        for (dx, dy) in [(0, 0), (1, 0), (-1, 0), (0, 1), (0, -1)] {
            let (px, py) = (x.round() as i64 + dx, y.round() as i64 + dy);
            if px >= 0 && py >= 0 && (px as u32) < picture.width && (py as u32) < picture.height {
                let o = ((py as u32 * picture.width + px as u32) * 4) as usize;
                picture.rgba[o..o + 3].copy_from_slice(&color);
            }
        }
    }
}

/// Starts the camera thread. It sends [`Event`]s until `stop` is set or the receiver is gone, and ends by itself
/// after sending a scan. `shoot` asks for a capture now (the button).
pub fn spawn(
    spec: CameraSpec,
    shoot: Arc<AtomicBool>,
    stop: Arc<AtomicBool>,
    events: tokio::sync::mpsc::Sender<Event>,
) -> std::thread::JoinHandle<()> {
    std::thread::Builder::new()
        .name("camera".into())
        .spawn(move || run(spec, &shoot, &stop, &events))
        .expect("a thread for the camera")
}

fn run(spec: CameraSpec, shoot: &AtomicBool, stop: &AtomicBool, events: &tokio::sync::mpsc::Sender<Event>) {
    let mut source = open_source(&spec);
    let mut state = source.open();
    let mut steady = Steady::default();
    let mut rejected: Option<Hint> = None;
    while !stop.load(Ordering::Relaxed) && !events.is_closed() {
        if !matches!(state, CameraState::Streaming { .. }) {
            tracing::info!(?state, "no camera");
            if events.try_send(Event::Frame { preview: None, hint: Hint::NoCamera }).is_err() && events.is_closed() {
                return;
            }
            std::thread::sleep(REOPEN_EVERY);
            state = source.open();
            continue;
        }
        let Some(frame) = source.next_frame() else {
            state = source.state();
            continue;
        };
        let found = detect(&frame);
        let whole = (found.reason == Reason::Ok).then_some(found.corners).flatten();
        let diagonal = f64::from(frame.width()).hypot(f64::from(frame.height()));
        let manual = shoot.swap(false, Ordering::Relaxed);
        let still = steady.update(whole, diagonal, Instant::now());
        if still || manual {
            let result = scan(&frame);
            match result.image {
                Some(image) if result.report.accepted || manual => match encode_jpeg(&image, SCAN_JPEG_QUALITY) {
                    Ok(jpeg) => {
                        tracing::info!(accepted = result.report.accepted, manual, "document captured");
                        let picture = picture_of(&image, 1200);
                        let _ = events.blocking_send(Event::Scanned { jpeg, picture });
                        return;
                    }
                    Err(err) => tracing::warn!(error = %err, "scan not encoded"),
                },
                _ => {
                    tracing::debug!(reason = result.report.reason.as_str(), "scan rejected; trying again");
                    rejected = Some(hint_for(result.report.reason));
                    steady.reset();
                }
            }
        }
        let hint = match (found.reason, rejected) {
            (Reason::Ok, Some(hint)) => hint,
            (reason, _) => {
                rejected = None;
                hint_for(reason)
            }
        };
        let picture = preview(&frame, found.corners.as_ref(), PREVIEW_WIDTH);
        // A slow screen skips frames rather than falling behind.
        let _ = events.try_send(Event::Frame { preview: Some(picture), hint });
    }
    source.close();
}

#[cfg(test)]
mod tests {
    use super::*;

    const QUAD: [[f64; 2]; 4] = [[100.0, 100.0], [500.0, 100.0], [500.0, 400.0], [100.0, 400.0]];

    #[test]
    fn a_document_is_steady_after_a_second_without_moving() {
        let t0 = Instant::now();
        let mut s = Steady::default();
        assert!(!s.update(Some(QUAD), 1000.0, t0));
        assert!(!s.update(Some(QUAD), 1000.0, t0 + Duration::from_millis(500)));
        assert!(s.update(Some(QUAD), 1000.0, t0 + Duration::from_millis(1000)));
        let mut moved = QUAD;
        moved[2][0] += 30.0;
        assert!(!s.update(Some(moved), 1000.0, t0 + Duration::from_millis(1100)), "a move starts over");
        assert!(!s.update(None, 1000.0, t0 + Duration::from_millis(2200)), "gone");
        assert!(!s.update(Some(moved), 1000.0, t0 + Duration::from_millis(2300)));
    }

    #[test]
    fn the_preview_is_shrunk_and_carries_the_outline() {
        let frame = Frame::new(1920, 1080, vec![10; 1920 * 1080 * 3]).unwrap();
        let picture = preview(&frame, Some(&[[192.0, 108.0], [960.0, 108.0], [960.0, 540.0], [192.0, 540.0]]), 960);
        assert_eq!((picture.width, picture.height), (960, 540));
        let at = |x: u32, y: u32| &picture.rgba[((y * 960 + x) * 4) as usize..((y * 960 + x) * 4 + 3) as usize];
        assert_eq!(at(96, 54), &[40, 200, 90], "the outline's corner");
        assert_eq!(at(300, 200), &[10, 10, 10], "inside is the picture");
    }

    #[test]
    fn a_synthetic_camera_captures_a_still_document_by_itself() {
        let dir = tempfile::tempdir().unwrap();
        let (frame, _) = pdo_vision::testimg::scene(pdo_vision::testimg::Scene::Upright, 1280, 720, 7);
        let jpeg = encode_jpeg(&frame, 92).unwrap();
        std::fs::write(dir.path().join("frame.jpg"), &*jpeg).unwrap();
        let spec = CameraSpec::Synthetic { dir: dir.path().to_path_buf(), fps: 60 };
        let (tx, mut rx) = tokio::sync::mpsc::channel(4);
        let stop = Arc::new(AtomicBool::new(false));
        let handle = spawn(spec, Arc::new(AtomicBool::new(false)), stop.clone(), tx);
        let deadline = Instant::now() + Duration::from_secs(20);
        let mut hints = Vec::new();
        let scanned = loop {
            assert!(Instant::now() < deadline, "no capture; hints {hints:?}");
            match rx.blocking_recv() {
                Some(Event::Frame { hint, .. }) => hints.push(hint),
                Some(Event::Scanned { jpeg, picture }) => break (jpeg, picture),
                None => panic!("the camera thread ended without a scan; hints {hints:?}"),
            }
        };
        assert!(scanned.0.starts_with(&[0xFF, 0xD8, 0xFF]), "a JPEG");
        assert!(scanned.1.height > scanned.1.width, "the card is upright (portrait)");
        assert!(hints.contains(&Hint::HoldStill), "{hints:?}");
        stop.store(true, Ordering::Relaxed);
        handle.join().unwrap();
    }
}
