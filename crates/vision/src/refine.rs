//! Refinement on the full frame: the coarse corners from the small frame are off by up to a few full-frame pixels.
//! Each side's edge is located precisely along its normal at many points, a line is fitted through them (outliers
//! dropped), and the corners become the intersections of adjacent lines. Fitting whole sides is steadier than
//! searching each corner alone: a corner is where text, shadow and background meet, a side's middle is clean.

use crate::frame::{Frame, luma_bilinear};
use crate::geometry::{Line, Pt, dist};

/// Weakest accepted edge: luma drop over two pixels, paper to background.
const MIN_EDGE_STEP: f64 = 10.0;

/// `quad` screen-clockwise; `reach` is how far (full pixels) the true edge may be from the coarse one.
pub(crate) fn refine_quad(frame: &Frame, quad: &[Pt; 4], reach: f64) -> [Pt; 4] {
    let centre = [quad.iter().map(|p| p[0]).sum::<f64>() / 4.0, quad.iter().map(|p| p[1]).sum::<f64>() / 4.0];
    let lines: Vec<Line> = (0..4)
        .map(|i| {
            let (a, b) = (quad[i], quad[(i + 1) % 4]);
            fit_side(frame, a, b, centre, reach).unwrap_or_else(|| Line::through(a, b))
        })
        .collect();
    let mut out = *quad;
    for i in 0..4 {
        if let Some(p) = lines[(i + 3) % 4].intersect(&lines[i])
            && dist(p, quad[i]) <= 2.0 * reach
        {
            out[i] = p;
        }
    }
    out
}

fn fit_side(frame: &Frame, a: Pt, b: Pt, centre: Pt, reach: f64) -> Option<Line> {
    let len = dist(a, b);
    if len < 8.0 {
        return None;
    }
    let dir = [(b[0] - a[0]) / len, (b[1] - a[1]) / len];
    // Outward normal: pointing away from the quad's centre.
    let mut n = [-dir[1], dir[0]];
    let mid = [(a[0] + b[0]) / 2.0, (a[1] + b[1]) / 2.0];
    if n[0] * (mid[0] - centre[0]) + n[1] * (mid[1] - centre[1]) < 0.0 {
        n = [-n[0], -n[1]];
    }
    let r = reach.ceil() as i64 + 1;
    let samples = ((len / 10.0) as usize).clamp(12, 64);
    let (wm, hm) = (frame.w() as f64 - 1.0, frame.h() as f64 - 1.0);
    let mut pts = Vec::with_capacity(samples);
    let mut profile = vec![0.0; (2 * r + 1) as usize];
    for s in 0..samples {
        // Stay clear of the corners, where the other side's edge would interfere.
        let t = 0.12 + 0.76 * s as f64 / (samples - 1) as f64;
        let p = [a[0] + dir[0] * len * t, a[1] + dir[1] * len * t];
        let ends = [[p[0] - n[0] * r as f64, p[1] - n[1] * r as f64], [p[0] + n[0] * r as f64, p[1] + n[1] * r as f64]];
        if ends.iter().any(|e| e[0] < 0.0 || e[1] < 0.0 || e[0] > wm || e[1] > hm) {
            continue;
        }
        for (k, v) in profile.iter_mut().enumerate() {
            let o = (k as i64 - r) as f64;
            *v = luma_bilinear(frame, p[0] + n[0] * o, p[1] + n[1] * o);
        }
        // Going outward, paper turns into background: the steepest drop is the edge.
        let (mut best_k, mut best_d) = (0usize, -MIN_EDGE_STEP);
        for k in 1..profile.len() - 1 {
            let d = profile[k + 1] - profile[k - 1];
            if d < best_d {
                (best_k, best_d) = (k, d);
            }
        }
        if best_k == 0 {
            continue;
        }
        let mut off = 0.0;
        if best_k >= 2 && best_k + 2 < profile.len() {
            let dm = profile[best_k] - profile[best_k - 2];
            let dp = profile[best_k + 2] - profile[best_k];
            let denom = dm - 2.0 * best_d + dp;
            if denom.abs() > 1e-9 {
                off = (0.5 * (dm - dp) / denom).clamp(-0.5, 0.5);
            }
        }
        let o = best_k as f64 - r as f64 + off;
        pts.push([p[0] + n[0] * o, p[1] + n[1] * o]);
    }
    robust_fit(&mut pts)
}

/// Fit, drop the points far from the line (text touching the edge, a finger, a glare spot), fit again.
fn robust_fit(pts: &mut Vec<Pt>) -> Option<Line> {
    for _ in 0..2 {
        if pts.len() < 6 {
            return None;
        }
        let line = Line::fit(pts)?;
        let mut res: Vec<f64> = pts.iter().map(|p| line.distance(*p).abs()).collect();
        res.sort_by(f64::total_cmp);
        let limit = (3.0 * res[res.len() / 2]).max(1.0);
        pts.retain(|p| line.distance(*p).abs() <= limit);
    }
    Line::fit(pts)
}
