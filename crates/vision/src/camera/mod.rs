//! Camera sources behind one trait, for the kiosk's capture screen.
//!
//! The config key `camera` takes `auto`, `v4l:INDEX` or `synthetic:DIR` (see [`parse_camera_spec`]). A missing or
//! unplugged camera is a [`CameraState`], never a panic or an error the screen has to unwind: it shows the state
//! and tries `open` again later.

mod synthetic;
#[cfg(feature = "v4l")]
mod v4l;

use std::fmt;
use std::path::PathBuf;

pub use synthetic::SyntheticCamera;
#[cfg(feature = "v4l")]
pub use v4l::V4lCamera;

use crate::frame::Frame;

/// Frames per second of a synthetic camera made from a spec (a real camera's usual rate).
pub const DEFAULT_SYNTHETIC_FPS: u32 = 30;

/// Where a source stands. The text in `NoCamera`/`Disconnected` is for logs and staff, not for applicants.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CameraState {
    /// Not opened yet, or closed.
    Closed,
    Streaming {
        width: u32,
        height: u32,
        fps: u32,
    },
    /// Nothing to open: no device, the device refused, or (synthetic) no images in the folder.
    NoCamera(String),
    /// It was streaming and stopped delivering frames. `open` again to retry.
    Disconnected(String),
}

/// A source of RGB frames. `next_frame` blocks until the source's next frame is due (at most about one frame
/// interval), so run it off the UI thread.
pub trait FrameSource: Send {
    /// Opens (or reopens) the source and returns the state it ends in.
    fn open(&mut self) -> CameraState;
    /// The next frame; `None` when the source is not streaming (see `state`), which may change the state to
    /// `Disconnected`.
    fn next_frame(&mut self) -> Option<Frame>;
    fn state(&self) -> CameraState;
    fn close(&mut self);
}

/// A parsed `camera` setting.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CameraSpec {
    /// The first V4L2 camera, if any.
    Auto,
    V4l {
        index: u32,
    },
    /// The images (PNG/JPEG) in `dir`, in name order, looping at `fps` (0: as fast as they decode).
    Synthetic {
        dir: PathBuf,
        fps: u32,
    },
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("camera setting {0:?} is not one of `auto`, `v4l:INDEX` (e.g. v4l:0), `synthetic:DIR`")]
pub struct CameraSpecError(pub String);

/// Parses `auto`, `v4l:INDEX` or `synthetic:DIR`.
pub fn parse_camera_spec(s: &str) -> Result<CameraSpec, CameraSpecError> {
    let bad = || CameraSpecError(s.to_string());
    let t = s.trim();
    if t == "auto" {
        return Ok(CameraSpec::Auto);
    }
    if let Some(index) = t.strip_prefix("v4l:") {
        return index.trim().parse().map(|index| CameraSpec::V4l { index }).map_err(|_| bad());
    }
    if let Some(dir) = t.strip_prefix("synthetic:") {
        if dir.is_empty() {
            return Err(bad());
        }
        return Ok(CameraSpec::Synthetic { dir: dir.into(), fps: DEFAULT_SYNTHETIC_FPS });
    }
    Err(bad())
}

impl fmt::Display for CameraSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CameraSpec::Auto => f.write_str("auto"),
            CameraSpec::V4l { index } => write!(f, "v4l:{index}"),
            CameraSpec::Synthetic { dir, .. } => write!(f, "synthetic:{}", dir.display()),
        }
    }
}

/// Builds the source for `spec` (not yet opened). Without the `v4l` feature, `auto` and `v4l:N` give a source whose
/// `open` reports `NoCamera`.
pub fn open_source(spec: &CameraSpec) -> Box<dyn FrameSource> {
    match spec {
        CameraSpec::Synthetic { dir, fps } => Box::new(SyntheticCamera::new(dir.clone(), *fps)),
        #[cfg(feature = "v4l")]
        CameraSpec::Auto => Box::new(V4lCamera::new(None)),
        #[cfg(feature = "v4l")]
        CameraSpec::V4l { index } => Box::new(V4lCamera::new(Some(*index))),
        #[cfg(not(feature = "v4l"))]
        CameraSpec::Auto | CameraSpec::V4l { .. } => Box::new(NoCamera(CameraState::Closed)),
    }
}

/// The stand-in for cameras in a build without V4L2 support.
#[cfg(not(feature = "v4l"))]
struct NoCamera(CameraState);

#[cfg(not(feature = "v4l"))]
impl FrameSource for NoCamera {
    fn open(&mut self) -> CameraState {
        self.0 = CameraState::NoCamera("this build has no V4L2 camera support (feature `v4l`)".into());
        self.0.clone()
    }
    fn next_frame(&mut self) -> Option<Frame> {
        None
    }
    fn state(&self) -> CameraState {
        self.0.clone()
    }
    fn close(&mut self) {
        self.0 = CameraState::Closed;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_three_forms_and_rejects_others() {
        assert_eq!(parse_camera_spec("auto"), Ok(CameraSpec::Auto));
        assert_eq!(parse_camera_spec("v4l:2"), Ok(CameraSpec::V4l { index: 2 }));
        assert_eq!(
            parse_camera_spec("synthetic:/tmp/my photos"),
            Ok(CameraSpec::Synthetic { dir: "/tmp/my photos".into(), fps: DEFAULT_SYNTHETIC_FPS })
        );
        for bad in ["", "v4l:", "v4l:x", "synthetic:", "usb:0", "AUTO"] {
            let err = parse_camera_spec(bad).unwrap_err();
            assert!(err.to_string().contains("v4l:INDEX"), "{bad}: {err}");
        }
        assert_eq!(CameraSpec::V4l { index: 1 }.to_string(), "v4l:1");
    }

    #[cfg(not(feature = "v4l"))]
    #[test]
    fn without_v4l_a_camera_is_a_state_not_a_panic() {
        let mut src = open_source(&CameraSpec::Auto);
        assert_eq!(src.state(), CameraState::Closed);
        assert!(matches!(src.open(), CameraState::NoCamera(_)));
        assert!(src.next_frame().is_none());
    }
}
