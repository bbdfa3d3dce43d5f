//! Measurements on the flattened document: sharpness, glare and which way up it reads.

use crate::detect::otsu;
use crate::frame::Gray;

/// Share of each side left out of the measurements: the flattened image's border may hold a sliver of background.
const MARGIN: f64 = 0.04;

fn inner(g: &Gray) -> (usize, usize, usize, usize) {
    let (mx, my) = ((g.w as f64 * MARGIN) as usize, (g.h as f64 * MARGIN) as usize);
    (mx.max(1), my.max(1), g.w.saturating_sub(mx.max(1)), g.h.saturating_sub(my.max(1)))
}

/// Variance of the 4-neighbour Laplacian. Expected on a half-resolution grey image: the 2×2 averaging divides
/// sensor noise's contribution by four while printed text keeps its edges, so noise does not pass for detail.
pub(crate) fn sharpness(g: &Gray) -> f64 {
    let (x0, y0, x1, y1) = inner(g);
    let (mut sum, mut sum2, mut n) = (0i64, 0i64, 0i64);
    for y in y0..y1 {
        let (up, row, down) = (&g.px[(y - 1) * g.w..], &g.px[y * g.w..], &g.px[(y + 1) * g.w..]);
        for x in x0..x1 {
            let l = 4 * row[x] as i64 - row[x - 1] as i64 - row[x + 1] as i64 - up[x] as i64 - down[x] as i64;
            sum += l;
            sum2 += l * l;
            n += 1;
        }
    }
    if n == 0 {
        return 0.0;
    }
    let mean = sum as f64 / n as f64;
    sum2 as f64 / n as f64 - mean * mean
}

/// Luma at or above which a pixel is blown out (no detail left under it).
pub(crate) const SATURATED: u8 = 250;

/// Share of blown-out pixels.
pub(crate) fn glare(g: &Gray) -> f64 {
    let (x0, y0, x1, y1) = inner(g);
    let mut hot = 0usize;
    for y in y0..y1 {
        hot += g.px[y * g.w + x0..y * g.w + x1].iter().filter(|&&p| p >= SATURATED).count();
    }
    hot as f64 / ((x1 - x0) * (y1 - y0)).max(1) as f64
}

/// Quarter turns clockwise that make the flattened document read upright.
///
/// The rule: (1) text lines run across the page, so ink summed along the lines' direction varies strongly
/// (lines and gaps alternate) while summed across it is even — the axis whose profile varies more is the rows'
/// axis; (2) the document's heading end is its top: of the two outer quarters along the reading axis, the one with
/// more ink is the top. Both Russian birth certificates and passport pages open with a heading band and end with
/// sparse lines (dates, signatures), and the generated test card follows that.
pub(crate) fn quarter_turns(g: &Gray) -> u8 {
    let (x0, y0, x1, y1) = inner(g);
    let mut inside = Vec::with_capacity((x1 - x0) * (y1 - y0));
    for y in y0..y1 {
        inside.extend_from_slice(&g.px[y * g.w + x0..y * g.w + x1]);
    }
    let t = otsu(&inside);
    let (w, h) = (x1 - x0, y1 - y0);
    let (mut rows, mut cols) = (vec![0f64; h], vec![0f64; w]);
    for y in 0..h {
        for x in 0..w {
            if inside[y * w + x] <= t {
                rows[y] += 1.0;
                cols[x] += 1.0;
            }
        }
    }
    rows.iter_mut().for_each(|r| *r /= w as f64);
    cols.iter_mut().for_each(|c| *c /= h as f64);
    let lines_horizontal = variance(&rows) >= variance(&cols);
    let profile = if lines_horizontal { &rows } else { &cols };
    let q = profile.len() / 4;
    let head_first = profile[..q].iter().sum::<f64>() >= profile[profile.len() - q..].iter().sum::<f64>();
    match (lines_horizontal, head_first) {
        (true, true) => 0,
        (true, false) => 2,
        // Heading on the left: a clockwise quarter turn brings the left edge to the top.
        (false, true) => 1,
        (false, false) => 3,
    }
}

fn variance(v: &[f64]) -> f64 {
    let n = v.len().max(1) as f64;
    let m = v.iter().sum::<f64>() / n;
    v.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / n
}

#[cfg(test)]
mod tests {
    use super::*;
    use zeroize::Zeroizing;

    fn gray(w: usize, h: usize, f: impl Fn(usize, usize) -> u8) -> Gray {
        Gray { w, h, px: Zeroizing::new((0..w * h).map(|i| f(i % w, i / w)).collect()) }
    }

    #[test]
    fn stripes_are_sharper_than_flat() {
        let sharp = gray(60, 60, |x, _| if x % 4 < 2 { 30 } else { 220 });
        let flat = gray(60, 60, |_, _| 128);
        assert!(sharpness(&sharp) > 1000.0);
        assert_eq!(sharpness(&flat), 0.0);
    }

    #[test]
    fn glare_counts_saturated_pixels() {
        let g = gray(100, 100, |x, _| if x >= 50 { 255 } else { 200 });
        assert!((glare(&g) - 0.5).abs() < 0.02, "{}", glare(&g));
    }

    #[test]
    fn text_lines_and_heading_decide_the_turn() {
        // Upright page: heavy heading at the top, lines below, nothing at the bottom.
        let page = |x: usize, y: usize| -> bool {
            let heading = (8..18).contains(&y) && (10..70).contains(&x);
            let line = (25..70).contains(&y) && y % 6 < 2 && (8..(60 + (y * 7) % 13)).contains(&x);
            heading || line
        };
        let (w, h) = (80, 100);
        let ink = |b: bool| if b { 30 } else { 220 };
        assert_eq!(quarter_turns(&gray(w, h, |x, y| ink(page(x, y)))), 0);
        assert_eq!(quarter_turns(&gray(w, h, |x, y| ink(page(w - 1 - x, h - 1 - y)))), 2);
        // Turned a quarter clockwise (the heading on the right): it needs three more quarters.
        assert_eq!(quarter_turns(&gray(h, w, |x, y| ink(page(y, h - 1 - x)))), 3);
        assert_eq!(quarter_turns(&gray(h, w, |x, y| ink(page(w - 1 - y, x)))), 1);
    }
}
