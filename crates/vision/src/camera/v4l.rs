//! A real camera through nokhwa's V4L2 backend. Asks for MJPEG at 1920×1080, else 1280×720 (MJPEG keeps USB
//! bandwidth low at 30 fps; raw YUYV at 1080p usually manages only 5 fps) and decodes MJPEG with libjpeg-turbo,
//! which the crate already links for encoding, instead of nokhwa's own mozjpeg decoder.

use nokhwa::Camera;
use nokhwa::utils::{
    ApiBackend, CameraFormat, CameraIndex, FrameFormat, RequestedFormat, RequestedFormatType, Resolution,
};
use zeroize::Zeroizing;

use super::{CameraState, FrameSource};
use crate::frame::Frame;

/// Undecodable frames in a row after which the camera counts as disconnected.
const MAX_BAD_FRAMES: usize = 3;

/// Frame formats we can turn into RGB, best first.
static FORMATS: [FrameFormat; 3] = [FrameFormat::MJPEG, FrameFormat::YUYV, FrameFormat::RAWRGB];

pub struct V4lCamera {
    /// `None`: the first camera the system lists.
    index: Option<u32>,
    camera: Option<Camera>,
    state: CameraState,
}

impl V4lCamera {
    pub fn new(index: Option<u32>) -> V4lCamera {
        V4lCamera { index, camera: None, state: CameraState::Closed }
    }

    fn try_open(&mut self) -> Result<CameraState, String> {
        let index = match self.index {
            Some(i) => i,
            // With no /dev/video* the query succeeds with an empty list.
            None => match nokhwa::query(ApiBackend::Auto).map_err(|e| e.to_string())?.first() {
                Some(info) => info.index().as_index().map_err(|e| e.to_string())?,
                None => return Err("no camera found".into()),
            },
        };
        let mut last_err = String::new();
        for (w, h) in [(1920, 1080), (1280, 720)] {
            let want = CameraFormat::new(Resolution::new(w, h), FrameFormat::MJPEG, 30);
            let request = RequestedFormat::with_formats(RequestedFormatType::Closest(want), &FORMATS);
            match Camera::new(CameraIndex::Index(index), request) {
                Ok(mut cam) => {
                    cam.open_stream().map_err(|e| e.to_string())?;
                    let res = cam.resolution();
                    let state =
                        CameraState::Streaming { width: res.width(), height: res.height(), fps: cam.frame_rate() };
                    self.camera = Some(cam);
                    return Ok(state);
                }
                Err(e) => last_err = e.to_string(),
            }
        }
        Err(last_err)
    }
}

impl FrameSource for V4lCamera {
    fn open(&mut self) -> CameraState {
        self.close();
        self.state = self.try_open().unwrap_or_else(CameraState::NoCamera);
        self.state.clone()
    }

    fn next_frame(&mut self) -> Option<Frame> {
        // Webcams now and then send a damaged MJPEG frame: skip a few before calling the camera gone.
        let mut last_err = String::new();
        for _ in 0..MAX_BAD_FRAMES {
            let cam = self.camera.as_mut()?;
            let buf = match cam.frame() {
                Ok(buf) => buf,
                Err(e) => {
                    last_err = e.to_string();
                    break;
                }
            };
            let res = buf.resolution();
            match to_rgb(buf.buffer(), buf.source_frame_format(), res.width(), res.height()) {
                Ok(frame) => return Some(frame),
                Err(e) => last_err = e,
            }
        }
        // Unplugged, or the driver gave up: drop the device so `open` starts clean.
        self.camera = None;
        self.state = CameraState::Disconnected(last_err);
        None
    }

    fn state(&self) -> CameraState {
        self.state.clone()
    }

    fn close(&mut self) {
        if let Some(mut cam) = self.camera.take() {
            let _ = cam.stop_stream();
        }
        self.state = CameraState::Closed;
    }
}

fn to_rgb(data: &[u8], format: FrameFormat, w: u32, h: u32) -> Result<Frame, String> {
    let mut rgb = Zeroizing::new(vec![0u8; w as usize * h as usize * 3]);
    match format {
        FrameFormat::MJPEG => {
            let mut d = turbojpeg::Decompressor::new().map_err(|e| e.to_string())?;
            let header = d.read_header(data).map_err(|e| e.to_string())?;
            if (header.width, header.height) != (w as usize, h as usize) {
                return Err(format!("MJPEG frame is {}x{}, expected {w}x{h}", header.width, header.height));
            }
            let image = turbojpeg::Image {
                pixels: &mut rgb[..],
                width: header.width,
                pitch: header.width * 3,
                height: header.height,
                format: turbojpeg::PixelFormat::RGB,
            };
            d.decompress(data, image).map_err(|e| e.to_string())?;
        }
        FrameFormat::YUYV => {
            if data.len() < w as usize * h as usize * 2 {
                return Err("short YUYV frame".into());
            }
            for (px, out) in data.chunks_exact(4).zip(rgb.chunks_exact_mut(6)) {
                let (y0, u, y1, v) = (px[0] as i32, px[1] as i32 - 128, px[2] as i32, px[3] as i32 - 128);
                for (k, y) in [y0, y1].into_iter().enumerate() {
                    let c = 298 * (y - 16);
                    out[k * 3] = ((c + 409 * v + 128) >> 8).clamp(0, 255) as u8;
                    out[k * 3 + 1] = ((c - 100 * u - 208 * v + 128) >> 8).clamp(0, 255) as u8;
                    out[k * 3 + 2] = ((c + 516 * u + 128) >> 8).clamp(0, 255) as u8;
                }
            }
        }
        FrameFormat::RAWRGB if data.len() >= rgb.len() => {
            let n = rgb.len();
            rgb.copy_from_slice(&data[..n]);
        }
        other => return Err(format!("unsupported frame format {other}")),
    }
    let mut v = Vec::new();
    std::mem::swap(&mut v, &mut *rgb);
    Frame::new(w, h, v).map_err(|e| e.to_string())
}
