//! Synthetic document photos with known corners, for tests and the benchmark. No real document or person: the
//! "text" is blocks of random widths.
//!
//! The card is portrait (width 0.7 of height) and laid out like a Russian birth certificate: a heading band of
//! large letters near the top, twelve left-aligned lines of text in the middle, one short signature line near the
//! bottom. So its top quarter holds much more ink than its bottom quarter — the rule the pipeline uses to tell up
//! from down. The photo puts the card, turned and in perspective, on a dark textured table, then optionally adds a
//! white glare spot, blurs it (out of focus) and adds sensor noise.

use zeroize::Zeroizing;

use crate::frame::Frame;
use crate::geometry::{Homography, Pt};

/// Card width over height.
pub const CARD_ASPECT: f64 = 0.7;
const CARD_H: usize = 1400;
const CARD_W: usize = 980;
const PAPER: [u8; 3] = [234, 230, 219];
const INK: [u8; 3] = [38, 40, 62];

/// What to put in a photo.
#[derive(Clone, Debug)]
pub struct PhotoSpec {
    pub width: usize,
    pub height: usize,
    /// The card's corners in the photo (pixel-index units), top-left, top-right, bottom-right, bottom-left of the
    /// card as it reads. `None`: an empty table.
    pub corners: Option<[Pt; 4]>,
    /// Gaussian blur sigma in photo pixels (0: sharp).
    pub blur: f64,
    /// A white reflection centred at this point of the card (0..1 across, 0..1 down), radius as a share of the
    /// card's height.
    pub glare: Option<(f64, f64, f64)>,
    /// Uneven light: brightness falls linearly from 1 at the left edge to `1 - shade` at the right (a lamp to one
    /// side). 0: even.
    pub shade: f64,
    pub seed: u64,
}

/// The scenes the tests and the benchmark use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scene {
    /// Upright, tilted a little, in mild perspective.
    Upright,
    /// Turned clockwise by this many quarter turns (plus a little tilt).
    Turned(u8),
    Blurred,
    Glare,
    NoDocument,
    BlurredNoDocument,
    /// Partly outside the frame.
    CutOff,
    TooSmall,
}

/// A photo of `scene` at `width`×`height` and the card's true corners (reading order) if there is a card.
pub fn scene(scene: Scene, width: usize, height: usize, seed: u64) -> (Frame, Option<[Pt; 4]>) {
    let (w, h) = (width as f64, height as f64);
    let card_h = 0.78 * h;
    let place = |cx: f64, cy: f64, card_h: f64, turn_deg: f64| Some(card_corners(cx, cy, card_h, turn_deg, 0.06));
    let mut spec = PhotoSpec { width, height, corners: None, blur: 0.0, glare: None, shade: 0.0, seed };
    spec.corners = match scene {
        Scene::Upright | Scene::Blurred | Scene::Glare => place(0.48 * w, 0.5 * h, card_h, 6.0),
        Scene::Turned(q) => place(0.52 * w, 0.49 * h, card_h, 90.0 * q as f64 - 5.0),
        Scene::CutOff => place(w - 0.12 * card_h, 0.5 * h, card_h, 4.0),
        Scene::TooSmall => place(0.4 * w, 0.45 * h, 0.3 * h, 8.0),
        Scene::NoDocument | Scene::BlurredNoDocument => None,
    };
    if matches!(scene, Scene::Blurred | Scene::BlurredNoDocument) {
        spec.blur = h / 216.0;
    }
    if scene == Scene::Glare {
        spec.glare = Some((0.6, 0.42, 0.08));
    }
    let corners = spec.corners;
    (photo(&spec), corners)
}

/// Corners (reading order) of a card of height `card_h` centred at (cx, cy), turned clockwise by `turn_deg` and
/// seen in perspective: its top edge `persp` narrower and its bottom edge `persp` wider than true.
pub fn card_corners(cx: f64, cy: f64, card_h: f64, turn_deg: f64, persp: f64) -> [Pt; 4] {
    let (hw, hh) = (card_h * CARD_ASPECT / 2.0, card_h / 2.0);
    let local =
        [[-hw * (1.0 - persp), -hh], [hw * (1.0 - persp), -hh], [hw * (1.0 + persp), hh], [-hw * (1.0 + persp), hh]];
    let (s, c) = turn_deg.to_radians().sin_cos();
    // y points down, so this rotation turns clockwise on screen.
    local.map(|[x, y]| [cx + x * c - y * s, cy + x * s + y * c])
}

/// Renders a photo.
pub fn photo(spec: &PhotoSpec) -> Frame {
    let (w, h) = (spec.width, spec.height);
    let mut rng = Rng(spec.seed ^ 0x9E37_79B9_7F4A_7C15);
    let mut rgb = table(w, h, &mut rng);
    if let Some(corners) = spec.corners {
        let card = card(&mut rng);
        let to_photo =
            Homography::rect_to_quad(CARD_W as f64, CARD_H as f64, &corners.map(|p| [p[0] + 0.5, p[1] + 0.5]))
                .expect("card corners form a quad");
        let to_card = to_photo.inverse().expect("invertible");
        draw_card(&mut rgb, w, h, &card, &to_card);
        if let Some((gx, gy, r)) = spec.glare {
            let centre = to_photo.apply([gx * CARD_W as f64, gy * CARD_H as f64]);
            let scale = to_photo.apply([gx * CARD_W as f64, (gy + r) * CARD_H as f64]);
            let radius = ((scale[0] - centre[0]).powi(2) + (scale[1] - centre[1]).powi(2)).sqrt();
            glare_spot(&mut rgb, w, h, [centre[0] - 0.5, centre[1] - 0.5], radius);
        }
    }
    if spec.shade > 0.0 {
        for (i, px) in rgb.chunks_exact_mut(3).enumerate() {
            let k = 1.0 - spec.shade * (i % w) as f64 / w as f64;
            px.iter_mut().for_each(|v| *v = (*v as f64 * k).round() as u8);
        }
    }
    if spec.blur > 0.0 {
        gaussian_blur(&mut rgb, w, h, spec.blur);
    }
    for v in rgb.iter_mut() {
        *v = (*v as f64 + 2.0 * rng.gauss()).round().clamp(0.0, 255.0) as u8;
    }
    Frame::filled(w, h, rgb)
}

/// A dark wooden-ish table: two octaves of smooth value noise plus grain.
fn table(w: usize, h: usize, rng: &mut Rng) -> Zeroizing<Vec<u8>> {
    let coarse = ValueNoise::new(w, h, 96.0, rng);
    let fine = ValueNoise::new(w, h, 20.0, rng);
    let mut rgb = Zeroizing::new(vec![0u8; w * h * 3]);
    for y in 0..h {
        for x in 0..w {
            let n = 0.7 * coarse.at(x, y) + 0.3 * fine.at(x, y);
            let grain = (rng.next() % 25) as f64 - 12.0;
            let i = (y * w + x) * 3;
            rgb[i] = (40.0 + 75.0 * n + grain).clamp(0.0, 255.0) as u8;
            rgb[i + 1] = (34.0 + 60.0 * n + grain).clamp(0.0, 255.0) as u8;
            rgb[i + 2] = (30.0 + 45.0 * n + grain).clamp(0.0, 255.0) as u8;
        }
    }
    rgb
}

/// The card upright at `CARD_W`×`CARD_H`, grey (ink or paper) — colour is applied when drawing.
fn card(rng: &mut Rng) -> Vec<u8> {
    let mut g = vec![255u8; CARD_W * CARD_H];
    let mut block = |u0: f64, v0: f64, u1: f64, v1: f64| {
        let (x0, x1) = ((u0 * CARD_W as f64) as usize, (u1 * CARD_W as f64) as usize);
        let (y0, y1) = ((v0 * CARD_H as f64) as usize, (v1 * CARD_H as f64) as usize);
        for y in y0..y1.min(CARD_H) {
            g[y * CARD_W + x0..y * CARD_W + x1.min(CARD_W)].fill(0);
        }
    };
    // Heading: large letters, centred.
    let mut u = 0.17;
    while u < 0.8 {
        let lw = 0.03 + rng.unit() * 0.015;
        block(u, 0.07, u + lw, 0.115);
        u += lw + 0.014;
    }
    // Twelve left-aligned lines with a ragged right end.
    for line in 0..12 {
        let v = 0.2 + 0.042 * line as f64;
        let end = 0.62 + rng.unit() * 0.28;
        let mut u = 0.1;
        while u < end {
            let letters = 3 + rng.next() % 7;
            for _ in 0..letters {
                let tall = rng.unit() < 0.3;
                block(u, if tall { v - 0.006 } else { v }, u + 0.011, v + 0.016);
                u += 0.015;
            }
            u += 0.022;
        }
    }
    // Signature line.
    block(0.55, 0.86, 0.85, 0.868);
    g
}

fn draw_card(rgb: &mut [u8], w: usize, h: usize, card: &[u8], to_card: &Homography) {
    // 2×2 supersampling: the card's outline and letters get anti-aliased edges as a lens would give them.
    const SUB: [f64; 2] = [-0.25, 0.25];
    for y in 0..h {
        for x in 0..w {
            let (mut cover, mut ink) = (0.0, 0.0);
            for dy in SUB {
                for dx in SUB {
                    let p = to_card.apply([x as f64 + 0.5 + dx, y as f64 + 0.5 + dy]);
                    if p[0] >= 0.0 && p[1] >= 0.0 && p[0] < CARD_W as f64 && p[1] < CARD_H as f64 {
                        cover += 0.25;
                        ink += 0.25 * (1.0 - card[p[1] as usize * CARD_W + p[0] as usize] as f64 / 255.0);
                    }
                }
            }
            if cover == 0.0 {
                continue;
            }
            let i = (y * w + x) * 3;
            for c in 0..3 {
                let on_card = PAPER[c] as f64 * (cover - ink) + INK[c] as f64 * ink;
                rgb[i + c] = (rgb[i + c] as f64 * (1.0 - cover) + on_card).round() as u8;
            }
        }
    }
}

fn glare_spot(rgb: &mut [u8], w: usize, h: usize, c: Pt, r: f64) {
    for y in 0..h {
        for x in 0..w {
            // An ellipse 1.5 times wider than tall; white core, soft rim.
            let d = (((x as f64 - c[0]) / (1.5 * r)).powi(2) + ((y as f64 - c[1]) / r).powi(2)).sqrt();
            let a = ((1.0 - d) / 0.3).clamp(0.0, 1.0);
            if a > 0.0 {
                for v in &mut rgb[(y * w + x) * 3..(y * w + x) * 3 + 3] {
                    *v = (*v as f64 + (255.0 - *v as f64) * a).round() as u8;
                }
            }
        }
    }
}

/// Separable Gaussian blur (kernel radius 3σ, edges clamped): an out-of-focus lens.
fn gaussian_blur(rgb: &mut [u8], w: usize, h: usize, sigma: f64) {
    let r = (3.0 * sigma).ceil() as isize;
    let mut kernel: Vec<f32> = (-r..=r).map(|i| (-(i * i) as f64 / (2.0 * sigma * sigma)).exp() as f32).collect();
    let total: f32 = kernel.iter().sum();
    kernel.iter_mut().for_each(|k| *k /= total);
    let src: Vec<f32> = rgb.iter().map(|&v| v as f32).collect();
    let mut tmp = vec![0f32; src.len()];
    let clamp = |i: isize, n: usize| i.clamp(0, n as isize - 1) as usize;
    for y in 0..h {
        for x in 0..w {
            for c in 0..3 {
                let mut acc = 0.0;
                for (k, &kv) in kernel.iter().enumerate() {
                    acc += kv * src[(y * w + clamp(x as isize + k as isize - r, w)) * 3 + c];
                }
                tmp[(y * w + x) * 3 + c] = acc;
            }
        }
    }
    for y in 0..h {
        for x in 0..w {
            for c in 0..3 {
                let mut acc = 0.0;
                for (k, &kv) in kernel.iter().enumerate() {
                    acc += kv * tmp[(clamp(y as isize + k as isize - r, h) * w + x) * 3 + c];
                }
                rgb[(y * w + x) * 3 + c] = acc.round().clamp(0.0, 255.0) as u8;
            }
        }
    }
}

struct ValueNoise {
    cell: f64,
    gw: usize,
    grid: Vec<f64>,
}

impl ValueNoise {
    fn new(w: usize, h: usize, cell: f64, rng: &mut Rng) -> ValueNoise {
        let (gw, gh) = ((w as f64 / cell) as usize + 2, (h as f64 / cell) as usize + 2);
        ValueNoise { cell, gw, grid: (0..gw * gh).map(|_| rng.unit()).collect() }
    }

    fn at(&self, x: usize, y: usize) -> f64 {
        let (fx, fy) = (x as f64 / self.cell, y as f64 / self.cell);
        let (ix, iy) = (fx as usize, fy as usize);
        let smooth = |t: f64| t * t * (3.0 - 2.0 * t);
        let (tx, ty) = (smooth(fx - ix as f64), smooth(fy - iy as f64));
        let g = |i: usize, j: usize| self.grid[j * self.gw + i];
        let top = g(ix, iy) * (1.0 - tx) + g(ix + 1, iy) * tx;
        let bottom = g(ix, iy + 1) * (1.0 - tx) + g(ix + 1, iy + 1) * tx;
        top * (1.0 - ty) + bottom * ty
    }
}

/// SplitMix64: deterministic across platforms and versions, unlike a library RNG's default.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn gauss(&mut self) -> f64 {
        let (u1, u2) = (self.unit().max(1e-12), self.unit());
        (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }
}
