//! A camera that plays a folder of images: for demos, tests and benchmarks on machines without a camera.
//! Each frame is decoded from its file when it is due, as a real camera's MJPEG frame would be, so the preview
//! loop pays a realistic decoding cost.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::{CameraState, FrameSource};
use crate::file::load_frame;
use crate::frame::Frame;

pub struct SyntheticCamera {
    dir: PathBuf,
    fps: u32,
    files: Vec<PathBuf>,
    next: usize,
    due: Instant,
    /// The first frame, decoded by `open` to learn the size, handed out first.
    first: Option<Frame>,
    state: CameraState,
}

impl SyntheticCamera {
    /// `fps` 0 delivers frames as fast as they decode.
    pub fn new(dir: PathBuf, fps: u32) -> SyntheticCamera {
        SyntheticCamera {
            dir,
            fps,
            files: Vec::new(),
            next: 0,
            due: Instant::now(),
            first: None,
            state: CameraState::Closed,
        }
    }

    fn images(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                let ext = p.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
                matches!(ext.as_str(), "png" | "jpg" | "jpeg")
            })
            .collect();
        files.sort();
        Ok(files)
    }

    fn pace(&mut self) {
        if self.fps == 0 {
            return;
        }
        let now = Instant::now();
        if self.due > now {
            std::thread::sleep(self.due - now);
        }
        let interval = Duration::from_secs_f64(1.0 / self.fps as f64);
        // After a stall, do not burst to catch up: a camera drops frames instead.
        self.due = (self.due + interval).max(Instant::now());
    }
}

impl FrameSource for SyntheticCamera {
    fn open(&mut self) -> CameraState {
        self.first = None;
        self.state = match Self::images(&self.dir) {
            Err(e) => CameraState::NoCamera(format!("cannot read folder {}: {e}", self.dir.display())),
            Ok(files) if files.is_empty() => {
                CameraState::NoCamera(format!("no PNG or JPEG images in {}", self.dir.display()))
            }
            Ok(files) => match load_frame(&files[0]) {
                Err(e) => CameraState::NoCamera(e.to_string()),
                Ok(frame) => {
                    let state = CameraState::Streaming { width: frame.width(), height: frame.height(), fps: self.fps };
                    self.files = files;
                    self.next = 1 % self.files.len();
                    self.first = Some(frame);
                    self.due = Instant::now();
                    state
                }
            },
        };
        self.state.clone()
    }

    fn next_frame(&mut self) -> Option<Frame> {
        if !matches!(self.state, CameraState::Streaming { .. }) {
            return None;
        }
        self.pace();
        if let Some(first) = self.first.take() {
            return Some(first);
        }
        let path = &self.files[self.next];
        match load_frame(path) {
            Ok(frame) => {
                self.next = (self.next + 1) % self.files.len();
                Some(frame)
            }
            // A vanished folder or file plays the part of an unplugged camera.
            Err(e) => {
                self.state = CameraState::Disconnected(e.to_string());
                None
            }
        }
    }

    fn state(&self) -> CameraState {
        self.state.clone()
    }

    fn close(&mut self) {
        self.first = None;
        self.files.clear();
        self.state = CameraState::Closed;
    }
}
