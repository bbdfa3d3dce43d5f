//! The perspective correction: one pass over the output, each pixel mapped back into the frame by the homography
//! and sampled bilinearly. The projective coordinates advance by a constant step along a row, so each pixel costs
//! three additions, one division and the interpolation.

use zeroize::Zeroizing;

use crate::frame::{Frame, Gray, luma};
use crate::geometry::{Homography, Pt};

/// Maps `quad` (the document's top-left, top-right, bottom-right, bottom-left in frame pixels) onto an upright
/// `w`×`h` RGB image.
pub(crate) fn warp_rgb(src: &Frame, quad: &[Pt; 4], w: usize, h: usize) -> Option<Frame> {
    let mut out = Zeroizing::new(vec![0u8; w * h * 3]);
    let (sw, sh) = (src.w(), src.h());
    let s = src.rgb();
    each_source_point(quad, w, h, |x, y, sx, sy| {
        let (i00, fx, fy, dx, dy) = bilinear_setup(sx, sy, sw, sh);
        let o = (y * w + x) * 3;
        for c in 0..3 {
            let p00 = s[i00 + c] as u32;
            let p01 = s[i00 + dx + c] as u32;
            let p10 = s[i00 + dy + c] as u32;
            let p11 = s[i00 + dy + dx + c] as u32;
            let top = p00 * (256 - fx) + p01 * fx;
            let bottom = p10 * (256 - fx) + p11 * fx;
            out[o + c] = ((top * (256 - fy) + bottom * fy + 32768) >> 16) as u8;
        }
    })?;
    Some(Frame::filled(w, h, out))
}

/// Like `warp_rgb` but to grey (for the orientation test, on a small output).
pub(crate) fn warp_gray(src: &Frame, quad: &[Pt; 4], w: usize, h: usize) -> Option<Gray> {
    let mut px = Zeroizing::new(vec![0u8; w * h]);
    let (sw, sh) = (src.w(), src.h());
    let s = src.rgb();
    let l = |i: usize| luma(s[i], s[i + 1], s[i + 2]) as u32;
    each_source_point(quad, w, h, |x, y, sx, sy| {
        let (i00, fx, fy, dx, dy) = bilinear_setup(sx, sy, sw, sh);
        let top = l(i00) * (256 - fx) + l(i00 + dx) * fx;
        let bottom = l(i00 + dy) * (256 - fx) + l(i00 + dy + dx) * fx;
        px[y * w + x] = ((top * (256 - fy) + bottom * fy + 32768) >> 16) as u8;
    })?;
    Some(Gray { w, h, px })
}

/// Calls `f(x, y, sx, sy)` for every output pixel with its source point in frame pixel-index coordinates.
fn each_source_point(quad: &[Pt; 4], w: usize, h: usize, mut f: impl FnMut(usize, usize, f64, f64)) -> Option<()> {
    // Pixel-index points to continuous ones (+0.5) so the output's edges land on the quad's edges.
    let cont = quad.map(|p| [p[0] + 0.5, p[1] + 0.5]);
    let m = Homography::rect_to_quad(w as f64, h as f64, &cont)?.0;
    for y in 0..h {
        let v = y as f64 + 0.5;
        let (mut px, mut py, mut pz) =
            (m[0] * 0.5 + m[1] * v + m[2], m[3] * 0.5 + m[4] * v + m[5], m[6] * 0.5 + m[7] * v + m[8]);
        for x in 0..w {
            let iz = 1.0 / pz;
            f(x, y, px * iz - 0.5, py * iz - 0.5);
            px += m[0];
            py += m[3];
            pz += m[6];
        }
    }
    Some(())
}

/// Top-left byte index, 8-bit fractions, and the byte steps to the right and lower neighbours (0 at the frame's
/// last column/row so reads stay inside; points outside the frame are clamped to its edge).
#[inline(always)]
fn bilinear_setup(sx: f64, sy: f64, sw: usize, sh: usize) -> (usize, u32, u32, usize, usize) {
    let sx = sx.clamp(0.0, (sw - 1) as f64);
    let sy = sy.clamp(0.0, (sh - 1) as f64);
    let (x0, y0) = (sx as usize, sy as usize);
    let fx = ((sx - x0 as f64) * 256.0) as u32;
    let fy = ((sy - y0 as f64) * 256.0) as u32;
    let dx = if x0 + 1 < sw { 3 } else { 0 };
    let dy = if y0 + 1 < sh { sw * 3 } else { 0 };
    ((y0 * sw + x0) * 3, fx, fy, dx, dy)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_constant_frame_stays_constant_and_sizes_are_kept() {
        let flat = Frame::new(8, 8, vec![77; 8 * 8 * 3]).unwrap();
        let quad = [[1.0, 1.0], [6.0, 1.0], [6.0, 6.0], [1.0, 6.0]];
        let g = warp_gray(&flat, &quad, 3, 5).unwrap();
        assert_eq!((g.w, g.h), (3, 5));
        assert!(g.px.iter().all(|&p| p == 77));
        let rgb = warp_rgb(&flat, &quad, 4, 2).unwrap();
        assert_eq!((rgb.width(), rgb.height()), (4, 2));
        assert!(rgb.rgb().iter().all(|&p| p == 77));
    }

    #[test]
    fn a_quarter_turn_quad_rotates_the_picture() {
        // 4x2 frame, left half black, right half white. Taking the frame's top-right as the output's top-left
        // turns it a quarter: the white half becomes the top.
        let mut rgb = vec![0u8; 4 * 2 * 3];
        for y in 0..2 {
            for x in 2..4 {
                rgb[(y * 4 + x) * 3..(y * 4 + x) * 3 + 3].fill(255);
            }
        }
        let f = Frame::new(4, 2, rgb).unwrap();
        let quad = [[3.0, 0.0], [3.0, 1.0], [0.0, 1.0], [0.0, 0.0]];
        let g = warp_gray(&f, &quad, 2, 4).unwrap();
        assert!(g.at(0, 0) > 200 && g.at(1, 0) > 200, "top must be white");
        assert!(g.at(0, 3) < 50 && g.at(1, 3) < 50, "bottom must be black");
    }
}
