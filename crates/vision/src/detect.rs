//! Coarse detection on the downscaled grey frame: the document is the largest bright region (a light card on the
//! kiosk's darker tray), segmented with Otsu's threshold; its convex hull gives a quadrilateral.
//!
//! Why a region and not Canny edges: on a 480-px frame the card's outline is its strongest feature, and a filled
//! region is immune to the text and glare inside the card, which break edge contours into pieces. The edge
//! precision comes afterwards, from `refine` on the full frame.

use crate::frame::Gray;
use crate::geometry::{Pt, convex_hull, cross, order_clockwise, signed_area};

/// Regions smaller than this share of the frame are noise, not a document.
const MIN_REGION_SHARE: f64 = 0.004;
/// The best quadrilateral must cover this much of the region's hull: a card does, a blob or a hand does not.
const MIN_QUAD_SHARE_OF_HULL: f64 = 0.90;
/// The document must stand out from the background: the two Otsu classes' mean lumas at least this far apart.
/// (A bare textured table also splits into a brighter and a darker class, only much closer together.)
const MIN_CLASS_CONTRAST: f64 = 70.0;
/// The region must fill this much of its hull (dark text inside the card makes holes; a ring of light does not count).
const MIN_SOLIDITY: f64 = 0.45;

/// The document as found on the small frame, in full-frame pixel coordinates.
#[derive(Clone, Debug)]
pub(crate) struct Coarse {
    /// Screen-clockwise from the corner nearest the image's top-left.
    pub quad: [Pt; 4],
    /// The region reaches the frame's edge: part of the document is probably outside.
    pub touches_border: bool,
}

pub(crate) fn find_document(small: &Gray, factor: usize) -> Option<Coarse> {
    let (threshold, dark_mean, bright_mean) = otsu_classes(&small.px);
    if bright_mean - dark_mean < MIN_CLASS_CONTRAST {
        return None;
    }
    let region = largest_bright_region(small, threshold)?;
    if (region.area as f64) < MIN_REGION_SHARE * (small.w * small.h) as f64 {
        return None;
    }
    // The outer corners of each row's leftmost and rightmost pixel are enough for the hull of a region.
    let mut pts = Vec::with_capacity(region.rows.len() * 4);
    for (y, &(x0, x1)) in region.rows.iter().enumerate() {
        if x0 <= x1 {
            let yy = (y + region.y0) as f64;
            for dy in [-0.5, 0.5] {
                pts.push([x0 as f64 - 0.5, yy + dy]);
                pts.push([x1 as f64 + 0.5, yy + dy]);
            }
        }
    }
    let hull = convex_hull(pts);
    let hull_area = signed_area(&hull);
    if hull.len() < 4 || hull_area <= 0.0 || (region.area as f64) < MIN_SOLIDITY * hull_area {
        return None;
    }
    let quad = best_quad(&hull)?;
    if signed_area(&quad) < MIN_QUAD_SHARE_OF_HULL * hull_area {
        return None;
    }
    // Small pixel i covers full pixels [i*f, (i+1)*f): its centre is at i*f + (f-1)/2 in full index units.
    let off = (factor as f64 - 1.0) / 2.0;
    let quad = order_clockwise(quad.map(|p| [p[0] * factor as f64 + off, p[1] * factor as f64 + off]));
    Some(Coarse { quad, touches_border: region.touches_border })
}

/// Otsu's threshold: pixels above it are the bright class.
pub(crate) fn otsu(px: &[u8]) -> u8 {
    otsu_classes(px).0
}

/// Otsu's threshold with the mean of the dark class (at or below it) and of the bright class.
fn otsu_classes(px: &[u8]) -> (u8, f64, f64) {
    let mut hist = [0u64; 256];
    for &p in px {
        hist[p as usize] += 1;
    }
    let total = px.len() as f64;
    let sum_all: f64 = hist.iter().enumerate().map(|(i, &c)| i as f64 * c as f64).sum();
    let (mut w0, mut sum0, mut best, mut best_t, mut means) = (0.0, 0.0, -1.0, 127u8, (0.0, 0.0));
    for (t, &c) in hist.iter().enumerate() {
        w0 += c as f64;
        sum0 += t as f64 * c as f64;
        let w1 = total - w0;
        if w0 == 0.0 || w1 == 0.0 {
            continue;
        }
        let (m0, m1) = (sum0 / w0, (sum_all - sum0) / w1);
        let between = w0 * w1 * (m0 - m1) * (m0 - m1);
        if between > best {
            best = between;
            best_t = t as u8;
            means = (m0, m1);
        }
    }
    (best_t, means.0, means.1)
}

struct Region {
    area: usize,
    y0: usize,
    /// Per row from `y0`: leftmost and rightmost x (x0 > x1 for rows the region skips).
    rows: Vec<(usize, usize)>,
    touches_border: bool,
}

/// The largest 4-connected region of pixels above `threshold`.
fn largest_bright_region(g: &Gray, threshold: u8) -> Option<Region> {
    let (w, h) = (g.w, g.h);
    // 0 = dark, 1 = bright and unvisited, >= 2 = label.
    let mut label: Vec<u32> = g.px.iter().map(|&p| (p > threshold) as u32).collect();
    let mut stack = Vec::new();
    let (mut best_label, mut best_area) = (0u32, 0usize);
    let mut next = 2u32;
    for start in 0..w * h {
        if label[start] != 1 {
            continue;
        }
        label[start] = next;
        stack.push(start);
        let mut area = 0usize;
        while let Some(i) = stack.pop() {
            area += 1;
            let (x, y) = (i % w, i / w);
            let mut visit = |j: usize| {
                if label[j] == 1 {
                    label[j] = next;
                    stack.push(j);
                }
            };
            if x > 0 {
                visit(i - 1);
            }
            if x + 1 < w {
                visit(i + 1);
            }
            if y > 0 {
                visit(i - w);
            }
            if y + 1 < h {
                visit(i + w);
            }
        }
        if area > best_area {
            (best_label, best_area) = (next, area);
        }
        next += 1;
    }
    if best_area == 0 {
        return None;
    }
    let mut rows = vec![(usize::MAX, 0usize); h];
    let mut touches_border = false;
    for y in 0..h {
        for x in 0..w {
            if label[y * w + x] == best_label {
                let r = &mut rows[y];
                r.0 = r.0.min(x);
                r.1 = r.1.max(x);
                touches_border |= x == 0 || y == 0 || x + 1 == w || y + 1 == h;
            }
        }
    }
    let y0 = rows.iter().position(|r| r.0 != usize::MAX)?;
    let y1 = rows.iter().rposition(|r| r.0 != usize::MAX)?;
    Some(Region { area: best_area, y0, rows: rows[y0..=y1].to_vec(), touches_border })
}

/// The largest-area quadrilateral with corners on the hull's vertices: start from the hull's diameter and the
/// farthest vertex on each side of it, then move each corner to the vertex that maximises the area until stable.
fn best_quad(hull: &[Pt]) -> Option<[Pt; 4]> {
    let n = hull.len();
    let (mut a, mut c, mut far) = (0, 0, -1.0);
    for i in 0..n {
        for j in i + 1..n {
            let d = (hull[i][0] - hull[j][0]).powi(2) + (hull[i][1] - hull[j][1]).powi(2);
            if d > far {
                (a, c, far) = (i, j, d);
            }
        }
    }
    // Hull order is cyclic: vertices a+1..c-1 lie on one side of the diagonal, c+1..a-1 on the other.
    let side = |from: usize, to: usize| -> Option<usize> {
        let mut best = None;
        let mut best_d = 0.0;
        let mut k = (from + 1) % n;
        while k != to {
            let d = cross(hull[from], hull[to], hull[k]).abs();
            if d > best_d {
                (best, best_d) = (Some(k), d);
            }
            k = (k + 1) % n;
        }
        best
    };
    let b = side(a, c)?;
    let d = side(c, a)?;
    let mut idx = [a, b, c, d];
    for _ in 0..8 {
        let mut moved = false;
        for k in 0..4 {
            let (prev, next) = (idx[(k + 3) % 4], idx[(k + 1) % 4]);
            let mut best = idx[k];
            let mut best_area = cross(hull[prev], hull[best], hull[next]).abs();
            let mut j = (prev + 1) % n;
            while j != next {
                let area = cross(hull[prev], hull[j], hull[next]).abs();
                if area > best_area + 1e-9 {
                    (best, best_area) = (j, area);
                }
                j = (j + 1) % n;
            }
            moved |= best != idx[k];
            idx[k] = best;
        }
        if !moved {
            break;
        }
    }
    Some(idx.map(|i| hull[i]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use zeroize::Zeroizing;

    fn gray(w: usize, h: usize, f: impl Fn(usize, usize) -> u8) -> Gray {
        let px = (0..w * h).map(|i| f(i % w, i / w)).collect();
        Gray { w, h, px: Zeroizing::new(px) }
    }

    #[test]
    fn otsu_splits_two_levels() {
        let t = otsu(&[20, 22, 25, 200, 210, 205]);
        assert!((25..200).contains(&t), "{t}");
    }

    #[test]
    fn finds_a_bright_rectangle_with_holes() {
        let g = gray(100, 80, |x, y| {
            let inside = (20..70).contains(&x) && (10..60).contains(&y);
            let text = inside && y % 6 == 0 && (25..60).contains(&x);
            if text {
                30
            } else if inside {
                220
            } else {
                40
            }
        });
        let c = find_document(&g, 1).expect("found");
        assert!(!c.touches_border);
        let want = [[19.5, 9.5], [69.5, 9.5], [69.5, 59.5], [19.5, 59.5]];
        for (got, want) in c.quad.iter().zip(want) {
            assert!((got[0] - want[0]).abs() < 1.0 && (got[1] - want[1]).abs() < 1.0, "{:?}", c.quad);
        }
    }

    #[test]
    fn a_disc_is_not_a_document() {
        let g = gray(100, 100, |x, y| {
            let (dx, dy) = (x as f64 - 50.0, y as f64 - 50.0);
            if dx * dx + dy * dy < 900.0 { 220 } else { 30 }
        });
        assert!(find_document(&g, 1).is_none());
    }
}
