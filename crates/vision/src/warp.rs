//! The perspective correction: one pass over the output, each pixel mapped back into the frame by the homography
//! and sampled bilinearly. The exact projective map is evaluated only every `SPAN` pixels; in between, source
//! positions advance linearly in 16.16 fixed point (over 16 output pixels the map's curvature moves a point by
//! well under a hundredth of a pixel at document tilts). That turns the inner loop into integer adds, shifts and
//! the interpolation itself, with no division and no clamping.

use zeroize::Zeroizing;

use crate::frame::{Frame, Gray};
use crate::geometry::{Homography, Pt};

const SPAN: usize = 16;

/// Maps `quad` (the document's top-left, top-right, bottom-right, bottom-left in frame pixels) onto an upright
/// `w`×`h` RGB image.
pub(crate) fn warp_rgb(src: &Frame, quad: &[Pt; 4], w: usize, h: usize) -> Option<Frame> {
    let m = homography(src.w(), src.h(), quad, w, h)?;
    let mut out = Zeroizing::new(vec![0u8; w * h * 3]);
    let (sw, sh, s) = (src.w(), src.h(), src.rgb());
    let stride = sw * 3;
    for (y, row) in out.chunks_exact_mut(w * 3).enumerate() {
        for_each_sample(&m, y, w, sw, sh, |x, i, fx, fy| {
            let i = i * 3;
            let (a, b) = (&s[i..i + 6], &s[i + stride..i + stride + 6]);
            let o = &mut row[x * 3..x * 3 + 3];
            for c in 0..3 {
                let top = a[c] as u32 * (256 - fx) + a[c + 3] as u32 * fx;
                let bottom = b[c] as u32 * (256 - fx) + b[c + 3] as u32 * fx;
                o[c] = ((top * (256 - fy) + bottom * fy + 32768) >> 16) as u8;
            }
        });
    }
    Some(Frame::filled(w, h, out))
}

/// The same for a grey image (the small detection frame, for the orientation test).
pub(crate) fn warp_gray(src: &Gray, quad: &[Pt; 4], w: usize, h: usize) -> Option<Gray> {
    let m = homography(src.w, src.h, quad, w, h)?;
    let mut px = Zeroizing::new(vec![0u8; w * h]);
    let (sw, sh, s) = (src.w, src.h, &src.px[..]);
    for (y, row) in px.chunks_exact_mut(w).enumerate() {
        for_each_sample(&m, y, w, sw, sh, |x, i, fx, fy| {
            let top = s[i] as u32 * (256 - fx) + s[i + 1] as u32 * fx;
            let bottom = s[i + sw] as u32 * (256 - fx) + s[i + sw + 1] as u32 * fx;
            row[x] = ((top * (256 - fy) + bottom * fy + 32768) >> 16) as u8;
        });
    }
    Some(Gray { w, h, px })
}

/// The map from output pixel centres to source points, in continuous coordinates (pixel-index + 0.5) so the
/// output's edges land on the quad's edges. `None` for an empty output or a source too small to interpolate in.
fn homography(sw: usize, sh: usize, quad: &[Pt; 4], w: usize, h: usize) -> Option<[f64; 9]> {
    if sw < 2 || sh < 2 || w == 0 || h == 0 {
        return None;
    }
    let cont = quad.map(|p| [p[0] + 0.5, p[1] + 0.5]);
    Some(Homography::rect_to_quad(w as f64, h as f64, &cont)?.0)
}

/// Calls `f(x, i, fx, fy)` for every pixel x of output row `y`: `i` is the source pixel index (y0 * sw + x0) of
/// the top-left neighbour, `fx`, `fy` the 8-bit fractions. Source points are clamped so that the right and lower
/// neighbours always exist (a point on the last column reads it with weight ~1).
#[inline(always)]
fn for_each_sample(m: &[f64; 9], y: usize, w: usize, sw: usize, sh: usize, mut f: impl FnMut(usize, usize, u32, u32)) {
    let (xmax, ymax) = (sw as f64 - 1.0001, sh as f64 - 1.0001);
    let v = y as f64 + 0.5;
    let at = |x: usize| -> (f64, f64) {
        let u = x as f64 + 0.5;
        let z = m[6] * u + m[7] * v + m[8];
        ((m[0] * u + m[1] * v + m[2]) / z - 0.5, (m[3] * u + m[4] * v + m[5]) / z - 0.5)
    };
    let mut x0 = 0;
    let mut start = at(0);
    while x0 < w {
        let x1 = (x0 + SPAN).min(w);
        let end = at(x1);
        let inside = |p: (f64, f64)| p.0 >= 0.0 && p.1 >= 0.0 && p.0 <= xmax && p.1 <= ymax;
        if inside(start) && inside(end) {
            // Every point between two inside points is inside: no clamping needed in this span.
            let n = (x1 - x0) as f64;
            let (mut sx, mut sy) = ((start.0 * 65536.0) as i64, (start.1 * 65536.0) as i64);
            let (dx, dy) = (((end.0 - start.0) / n * 65536.0) as i64, ((end.1 - start.1) / n * 65536.0) as i64);
            for x in x0..x1 {
                let i = (sy >> 16) as usize * sw + (sx >> 16) as usize;
                f(x, i, ((sx >> 8) & 255) as u32, ((sy >> 8) & 255) as u32);
                sx += dx;
                sy += dy;
            }
        } else {
            for x in x0..x1 {
                let (px, py) = at(x);
                let (px, py) = (px.clamp(0.0, xmax), py.clamp(0.0, ymax));
                let (ix, iy) = (px as usize, py as usize);
                f(x, iy * sw + ix, ((px - ix as f64) * 256.0) as u32, ((py - iy as f64) * 256.0) as u32);
            }
        }
        x0 = x1;
        start = end;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_constant_frame_stays_constant_and_sizes_are_kept() {
        let flat = Frame::new(8, 8, vec![77; 8 * 8 * 3]).unwrap();
        let quad = [[1.0, 1.0], [6.0, 1.0], [6.0, 6.0], [1.0, 6.0]];
        let g = warp_gray(&crate::frame::downscale_gray(&flat, 1), &quad, 3, 5).unwrap();
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
        let f = crate::frame::downscale_gray(&Frame::new(4, 2, rgb).unwrap(), 1);
        let quad = [[3.0, 0.0], [3.0, 1.0], [0.0, 1.0], [0.0, 0.0]];
        let g = warp_gray(&f, &quad, 2, 4).unwrap();
        assert!(g.at(0, 0) > 200 && g.at(1, 0) > 200, "top must be white");
        assert!(g.at(0, 3) < 50 && g.at(1, 3) < 50, "bottom must be black");
    }
}
