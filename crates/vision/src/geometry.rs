//! Points, homographies, convex hulls and line fits. Coordinates are in pixel-index units: the centre of pixel
//! (i, j) is the point (i, j).

pub type Pt = [f64; 2];

/// A projective map of the plane, row-major 3×3 with `m[8]` normalised to 1.
#[derive(Clone, Copy, Debug)]
pub struct Homography(pub [f64; 9]);

impl Homography {
    /// Maps the rectangle `[0, w] × [0, h]` onto `quad` (corner order: (0,0), (w,0), (w,h), (0,h)). Heckbert's
    /// closed form for the unit square, then scaled; `None` for a degenerate quad.
    pub fn rect_to_quad(w: f64, h: f64, quad: &[Pt; 4]) -> Option<Homography> {
        let [[x0, y0], [x1, y1], [x2, y2], [x3, y3]] = *quad;
        let (dx1, dx2, dx3) = (x1 - x2, x3 - x2, x0 - x1 + x2 - x3);
        let (dy1, dy2, dy3) = (y1 - y2, y3 - y2, y0 - y1 + y2 - y3);
        let det = dx1 * dy2 - dx2 * dy1;
        if det.abs() < 1e-9 {
            return None;
        }
        let g = (dx3 * dy2 - dx2 * dy3) / det;
        let hh = (dx1 * dy3 - dx3 * dy1) / det;
        let a = x1 - x0 + g * x1;
        let b = x3 - x0 + hh * x3;
        let d = y1 - y0 + g * y1;
        let e = y3 - y0 + hh * y3;
        Some(Homography([a / w, b / h, x0, d / w, e / h, y0, g / w, hh / h, 1.0]))
    }

    pub fn apply(&self, p: Pt) -> Pt {
        let m = &self.0;
        let z = m[6] * p[0] + m[7] * p[1] + m[8];
        [(m[0] * p[0] + m[1] * p[1] + m[2]) / z, (m[3] * p[0] + m[4] * p[1] + m[5]) / z]
    }

    pub fn inverse(&self) -> Option<Homography> {
        let m = &self.0;
        let c00 = m[4] * m[8] - m[5] * m[7];
        let c01 = m[5] * m[6] - m[3] * m[8];
        let c02 = m[3] * m[7] - m[4] * m[6];
        let det = m[0] * c00 + m[1] * c01 + m[2] * c02;
        if det.abs() < 1e-12 {
            return None;
        }
        let inv = [
            c00,
            m[2] * m[7] - m[1] * m[8],
            m[1] * m[5] - m[2] * m[4],
            c01,
            m[0] * m[8] - m[2] * m[6],
            m[2] * m[3] - m[0] * m[5],
            c02,
            m[1] * m[6] - m[0] * m[7],
            m[0] * m[4] - m[1] * m[3],
        ];
        let s = inv[8];
        if s.abs() < 1e-12 {
            return None;
        }
        Some(Homography(inv.map(|v| v / s)))
    }
}

pub fn dist(a: Pt, b: Pt) -> f64 {
    ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2)).sqrt()
}

/// Twice the signed area of triangle a, b, c; positive when a→b→c turns clockwise on screen (y down).
pub fn cross(a: Pt, b: Pt, c: Pt) -> f64 {
    (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])
}

/// Shoelace area, positive for a polygon that runs clockwise on screen.
pub fn signed_area(poly: &[Pt]) -> f64 {
    let n = poly.len();
    (0..n).map(|i| poly[i][0] * poly[(i + 1) % n][1] - poly[(i + 1) % n][0] * poly[i][1]).sum::<f64>() / 2.0
}

/// Convex hull (Andrew's monotone chain), clockwise on screen, without collinear points.
pub fn convex_hull(mut pts: Vec<Pt>) -> Vec<Pt> {
    pts.sort_by(|a, b| a[0].total_cmp(&b[0]).then(a[1].total_cmp(&b[1])));
    pts.dedup();
    if pts.len() < 3 {
        return pts;
    }
    let mut hull: Vec<Pt> = Vec::with_capacity(pts.len() * 2);
    for pass in 0..2 {
        let start = hull.len();
        let iter: Box<dyn Iterator<Item = &Pt>> =
            if pass == 0 { Box::new(pts.iter()) } else { Box::new(pts.iter().rev()) };
        for &p in iter {
            while hull.len() >= start + 2 && cross(hull[hull.len() - 2], hull[hull.len() - 1], p) >= 0.0 {
                hull.pop();
            }
            hull.push(p);
        }
        hull.pop();
    }
    if signed_area(&hull) < 0.0 {
        hull.reverse();
    }
    hull
}

/// Puts a convex quad in screen-clockwise order starting at the corner nearest the image's top-left.
pub fn order_clockwise(mut q: [Pt; 4]) -> [Pt; 4] {
    if signed_area(&q) < 0.0 {
        q.reverse();
    }
    let start = (0..4).min_by(|&a, &b| (q[a][0] + q[a][1]).total_cmp(&(q[b][0] + q[b][1]))).unwrap_or(0);
    q.rotate_left(start);
    q
}

/// A line `n · p = c` with unit normal `n`.
#[derive(Clone, Copy, Debug)]
pub struct Line {
    pub n: Pt,
    pub c: f64,
}

impl Line {
    pub fn through(a: Pt, b: Pt) -> Line {
        let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
        let len = (dx * dx + dy * dy).sqrt().max(1e-12);
        let n = [-dy / len, dx / len];
        Line { n, c: n[0] * a[0] + n[1] * a[1] }
    }

    pub fn distance(&self, p: Pt) -> f64 {
        self.n[0] * p[0] + self.n[1] * p[1] - self.c
    }

    /// Total-least-squares fit (principal axis of the points).
    pub fn fit(pts: &[Pt]) -> Option<Line> {
        if pts.len() < 2 {
            return None;
        }
        let k = pts.len() as f64;
        let mx = pts.iter().map(|p| p[0]).sum::<f64>() / k;
        let my = pts.iter().map(|p| p[1]).sum::<f64>() / k;
        let (mut sxx, mut sxy, mut syy) = (0.0, 0.0, 0.0);
        for p in pts {
            let (dx, dy) = (p[0] - mx, p[1] - my);
            sxx += dx * dx;
            sxy += dx * dy;
            syy += dy * dy;
        }
        // Direction of the largest eigenvalue of the scatter matrix.
        let theta = 0.5 * (2.0 * sxy).atan2(sxx - syy);
        let dir = [theta.cos(), theta.sin()];
        let n = [-dir[1], dir[0]];
        Some(Line { n, c: n[0] * mx + n[1] * my })
    }

    pub fn intersect(&self, o: &Line) -> Option<Pt> {
        let det = self.n[0] * o.n[1] - self.n[1] * o.n[0];
        if det.abs() < 1e-9 {
            return None;
        }
        Some([(self.c * o.n[1] - self.n[1] * o.c) / det, (self.n[0] * o.c - self.c * o.n[0]) / det])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn homography_maps_rect_corners_and_inverts() {
        let q = [[10.0, 20.0], [200.0, 35.0], [180.0, 300.0], [5.0, 280.0]];
        let h = Homography::rect_to_quad(100.0, 150.0, &q).unwrap();
        for (src, dst) in [[0.0, 0.0], [100.0, 0.0], [100.0, 150.0], [0.0, 150.0]].iter().zip(q) {
            let p = h.apply(*src);
            assert!(dist(p, dst) < 1e-9, "{p:?} vs {dst:?}");
        }
        let back = h.inverse().unwrap().apply([180.0, 300.0]);
        assert!(dist(back, [100.0, 150.0]) < 1e-6);
    }

    #[test]
    fn hull_drops_inner_points_and_runs_clockwise() {
        let pts = vec![[0.0, 0.0], [10.0, 0.0], [10.0, 10.0], [0.0, 10.0], [5.0, 5.0], [5.0, 0.0]];
        let hull = convex_hull(pts);
        assert_eq!(hull.len(), 4);
        assert!(signed_area(&hull) > 0.0);
        assert_eq!(order_clockwise([hull[0], hull[1], hull[2], hull[3]])[0], [0.0, 0.0]);
    }

    #[test]
    fn line_fit_and_intersection() {
        let l1 = Line::fit(&[[0.0, 1.0], [1.0, 2.0], [2.0, 3.0]]).unwrap();
        let l2 = Line::through([0.0, 3.0], [3.0, 0.0]);
        let p = l1.intersect(&l2).unwrap();
        assert!(dist(p, [1.0, 2.0]) < 1e-9);
        assert!(l1.distance([5.0, 6.0]).abs() < 1e-9);
    }
}
