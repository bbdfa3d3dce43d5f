//! Document capture for the kiosk, without a GUI.
//!
//! [`scan`] takes an RGB camera frame and finds the document (a light card on a darker background) on a frame
//! downscaled to ~480 px, refines its four sides on the full frame, flattens it upright by a perspective warp,
//! measures sharpness and glare, and accepts or rejects it with a [`Reason`]. [`detect`] is the cheaper per-frame
//! part for the live preview. [`encode_jpeg`] stores a scan; [`scan_file`] is the `scan-image` staff command.
//! Camera sources (a V4L2 camera through nokhwa with the `v4l` feature, and a synthetic one that plays a folder of
//! images) sit behind [`FrameSource`].
//!
//! Every image buffer is wiped when dropped: scans are personal data and live only in memory.

pub mod camera;
mod detect;
mod file;
mod frame;
mod geometry;
mod jpeg;
mod pipeline;
mod quality;
mod refine;
pub mod testimg;
mod warp;

pub use camera::{CameraSpec, CameraSpecError, CameraState, FrameSource, open_source, parse_camera_spec};
pub use file::{ScanError, load_frame, scan_file};
pub use frame::{Frame, FrameSizeError};
pub use jpeg::{JpegError, SCAN_JPEG_QUALITY, encode_jpeg};
pub use pipeline::{
    DETECT_LONG_SIDE, Detection, MAX_GLARE, MIN_DOCUMENT_SHARE, MIN_FRAME_SHARPNESS, MIN_SHARPNESS, Reason,
    SCAN_LONG_SIDE, Scan, ScanReport, Steps, detect, scan, scan_with_steps,
};
