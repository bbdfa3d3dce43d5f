//! The capture pipeline: frame → document corners → upright flattened scan → accept or reject with a reason.

use std::time::Instant;

use serde::Serialize;

use crate::detect::{Coarse, find_document};
use crate::frame::{Frame, Gray, downscale_gray};
use crate::geometry::{Pt, dist, signed_area};
use crate::quality::{glare, quarter_turns, sharpness};
use crate::refine::refine_quad;
use crate::warp::{warp_gray, warp_rgb};

/// Detection runs on a frame shrunk (by a whole factor) to about this long side.
pub const DETECT_LONG_SIDE: usize = 480;
/// The flattened scan's long side at most; a document smaller in the frame keeps its own size (no upscaling).
pub const SCAN_LONG_SIDE: usize = 1600;
/// Below this variance of the Laplacian (half-resolution grey, see `quality::sharpness`) the scan is `blur`.
/// On the generated card: sharp ~4,000–5,000, Gaussian blur σ 1.4 px ~700, σ 1.8 ~350, σ 2.2 ~190, σ 3.3 ~60.
pub const MIN_SHARPNESS: f64 = 300.0;
/// With no document found, a frame whose own sharpness is below this is `blur` rather than `no_document`. Lower
/// than `MIN_SHARPNESS`: a table's texture has far fewer edges than print (generated table: 270 sharp, 76 at
/// σ 0.7).
pub const MIN_FRAME_SHARPNESS: f64 = 100.0;
/// Above this share of blown-out pixels inside the document the scan is `glare`.
pub const MAX_GLARE: f64 = 0.005;
/// Below this share of the frame's area the document is `too_small` to read.
pub const MIN_DOCUMENT_SHARE: f64 = 0.15;

/// Why a scan was accepted or not. Serialised as the machine word of `scan-image`'s JSON.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    Ok,
    /// Out of focus or moved; also given when no document is found in a blurred frame.
    Blur,
    /// Part of the document is blown out by a reflection.
    Glare,
    NoDocument,
    /// The document covers less than `MIN_DOCUMENT_SHARE` of the frame.
    TooSmall,
    /// The document reaches past the frame's edge.
    CutOff,
}

impl Reason {
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::Ok => "ok",
            Reason::Blur => "blur",
            Reason::Glare => "glare",
            Reason::NoDocument => "no_document",
            Reason::TooSmall => "too_small",
            Reason::CutOff => "cut_off",
        }
    }
}

/// The one JSON object `pdo-kiosk scan-image` prints.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ScanReport {
    /// A document-shaped quadrilateral was found (it may still be rejected).
    pub found: bool,
    /// The document's corners in input pixels, clockwise from its top-left as it reads; empty when not found.
    pub corners: Vec<[f64; 2]>,
    /// Variance of the Laplacian of the flattened document at half resolution (of the whole frame when no document
    /// was found). Higher is sharper; below `MIN_SHARPNESS` (`MIN_FRAME_SHARPNESS` for a frame) is `blur`.
    pub sharpness: f64,
    /// Share (0..1) of blown-out pixels inside the document (in the whole frame when none was found).
    pub glare: f64,
    pub accepted: bool,
    pub reason: Reason,
    /// Pipeline time from decoded frame to flattened image and measurements, milliseconds.
    pub ms: f64,
}

/// A finished scan: the report, and the flattened image when a document was found.
#[derive(Debug)]
pub struct Scan {
    pub report: ScanReport,
    /// Upright as the document reads; `None` when no document was found.
    pub image: Option<Frame>,
}

/// What the live preview needs per frame: where the document is and whether its position is usable, without the
/// flattening. Cheaper than `scan` (no warp, no sharpness).
#[derive(Clone, Debug, PartialEq)]
pub struct Detection {
    /// Screen-clockwise from the corner nearest the frame's top-left (not yet turned to reading order).
    pub corners: Option<[[f64; 2]; 4]>,
    /// `Ok` when a document was found whole and large enough; otherwise `NoDocument`, `CutOff` or `TooSmall`.
    pub reason: Reason,
}

/// Finds the document and says whether its placement is usable (for the preview overlay).
pub fn detect(frame: &Frame) -> Detection {
    match locate(frame, &mut Steps::default()) {
        None => Detection { corners: None, reason: Reason::NoDocument },
        Some(found) => Detection { corners: Some(found.quad), reason: found.placement },
    }
}

struct Located {
    quad: [Pt; 4],
    /// The downscaled grey frame detection ran on, and its factor.
    small: Gray,
    factor: usize,
    /// `Ok`, `CutOff` or `TooSmall`.
    placement: Reason,
}

/// Milliseconds per pipeline step of the last `scan_with_steps` (for the benchmark's breakdown).
#[doc(hidden)]
#[derive(Clone, Debug, Default)]
pub struct Steps {
    pub times: Vec<(&'static str, f64)>,
    last: Option<Instant>,
}

impl Steps {
    fn lap(&mut self, step: &'static str) {
        let now = Instant::now();
        if let Some(last) = self.last {
            self.times.push((step, (now - last).as_secs_f64() * 1e3));
        }
        self.last = Some(now);
    }
}

fn locate(frame: &Frame, steps: &mut Steps) -> Option<Located> {
    steps.lap("start");
    let factor = frame.w().max(frame.h()).div_ceil(DETECT_LONG_SIDE).max(1);
    let small = downscale_gray(frame, factor);
    steps.lap("grey+downscale");
    let found = find_document(&small, factor);
    steps.lap("segment+quad");
    let Coarse { quad, touches_border } = found?;
    let (wm, hm) = (frame.w() as f64 - 1.0, frame.h() as f64 - 1.0);
    if touches_border {
        // Sides along the frame edge have no edge to refine against.
        return Some(Located { quad, small, factor, placement: Reason::CutOff });
    }
    let quad = refine_quad(frame, &quad, 1.5 * factor as f64 + 2.0);
    steps.lap("refine");
    let outside = quad.iter().any(|p| p[0] < 0.0 || p[1] < 0.0 || p[0] > wm || p[1] > hm);
    let share = signed_area(&quad) / (frame.w() * frame.h()) as f64;
    let placement = if outside {
        Reason::CutOff
    } else if share < MIN_DOCUMENT_SHARE {
        Reason::TooSmall
    } else {
        Reason::Ok
    };
    Some(Located { quad, small, factor, placement })
}

/// Runs the whole pipeline on one frame.
pub fn scan(frame: &Frame) -> Scan {
    scan_with_steps(frame, &mut Steps::default())
}

/// `scan`, timing each step into `steps`.
#[doc(hidden)]
pub fn scan_with_steps(frame: &Frame, steps: &mut Steps) -> Scan {
    let start = Instant::now();
    steps.times.clear();
    steps.last = None;
    let Some(found) = locate(frame, steps) else {
        // No document: judge the frame itself, so a shaken or unfocused camera is reported as `blur`.
        let half = downscale_gray(frame, 2);
        let sharpness = sharpness(&half);
        let reason = if sharpness < MIN_FRAME_SHARPNESS { Reason::Blur } else { Reason::NoDocument };
        let report = ScanReport {
            found: false,
            corners: Vec::new(),
            sharpness: round(sharpness, 1),
            glare: round(glare(&half), 4),
            accepted: false,
            reason,
            ms: 0.0,
        };
        return finish(report, None, start);
    };
    let q = found.quad;
    // Size from the longer of each pair of opposite sides, so the flattening never loses resolution.
    let width = dist(q[0], q[1]).max(dist(q[3], q[2]));
    let height = dist(q[0], q[3]).max(dist(q[1], q[2]));
    // Which way up: decided on the document cut from the small, area-averaged frame (already at hand, and the
    // averaging keeps text lines as smooth bands instead of aliased letters).
    let turns = {
        let f = found.factor as f64;
        let off = (f - 1.0) / 2.0;
        let small_quad = q.map(|p| [(p[0] - off) / f, (p[1] - off) / f]);
        let (w, h) = ((width / f).round().max(8.0) as usize, (height / f).round().max(8.0) as usize);
        warp_gray(&found.small, &small_quad, w, h).map(|g| quarter_turns(&g)).unwrap_or(0)
    };
    steps.lap("orientation");
    // Reading order: turning the picture clockwise by k quarters makes its old corner (i - k) the new corner i.
    let mut upright = q;
    upright.rotate_right(turns as usize);
    let (mut w, mut h) = (width, height);
    if turns % 2 == 1 {
        std::mem::swap(&mut w, &mut h);
    }
    let s = (SCAN_LONG_SIDE as f64 / w.max(h)).min(1.0);
    let (w, h) = ((w * s).round().max(8.0) as usize, (h * s).round().max(8.0) as usize);
    // Pulled in by a pixel so the scan's border carries no half-background line from the edge's anti-aliasing.
    let image = warp_rgb(frame, &inset(&upright, 1.0), w, h);
    steps.lap("warp");
    let (sharp, glare_share) = match &image {
        Some(img) => {
            let half = downscale_gray(img, 2);
            (sharpness(&half), glare(&half))
        }
        None => (0.0, 0.0),
    };
    steps.lap("sharpness+glare");
    let reason = match found.placement {
        Reason::Ok if sharp < MIN_SHARPNESS => Reason::Blur,
        Reason::Ok if glare_share > MAX_GLARE => Reason::Glare,
        placement => placement,
    };
    let report = ScanReport {
        found: true,
        corners: upright.iter().map(|p| [round(p[0], 1), round(p[1], 1)]).collect(),
        sharpness: round(sharp, 1),
        glare: round(glare_share, 4),
        accepted: reason == Reason::Ok,
        reason,
        ms: 0.0,
    };
    finish(report, image, start)
}

/// `quad` with each corner moved `px` towards the centre (along the diagonal, scaled so the sides move ~`px`).
fn inset(quad: &[Pt; 4], px: f64) -> [Pt; 4] {
    let c = [quad.iter().map(|p| p[0]).sum::<f64>() / 4.0, quad.iter().map(|p| p[1]).sum::<f64>() / 4.0];
    quad.map(|p| {
        let d = dist(p, c).max(1e-9);
        let k = px * std::f64::consts::SQRT_2 / d;
        [p[0] + (c[0] - p[0]) * k, p[1] + (c[1] - p[1]) * k]
    })
}

fn finish(mut report: ScanReport, image: Option<Frame>, start: Instant) -> Scan {
    report.ms = round(start.elapsed().as_secs_f64() * 1e3, 2);
    Scan { report, image }
}

fn round(v: f64, places: i32) -> f64 {
    let k = 10f64.powi(places);
    (v * k).round() / k
}
