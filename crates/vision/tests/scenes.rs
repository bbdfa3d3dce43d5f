//! The pipeline on generated photos: corners, reasons and the upright result.

use pdo_vision::testimg::{PhotoSpec, Scene, card_corners, photo, scene};
use pdo_vision::{Frame, Reason, scan};

const SIZES: [(usize, usize); 2] = [(1280, 720), (1920, 1080)];

/// Mean luma of a horizontal band of the image (fractions of its height), inner 80 % of the width.
fn band_luma(img: &Frame, v0: f64, v1: f64) -> f64 {
    let (w, h) = (img.width() as usize, img.height() as usize);
    let (y0, y1) = ((v0 * h as f64) as usize, (v1 * h as f64) as usize);
    let (x0, x1) = (w / 10, w - w / 10);
    let mut sum = 0.0;
    for y in y0..y1 {
        for x in x0..x1 {
            let p = &img.rgb()[(y * w + x) * 3..];
            sum += 0.299 * p[0] as f64 + 0.587 * p[1] as f64 + 0.114 * p[2] as f64;
        }
    }
    sum / ((y1 - y0) * (x1 - x0)) as f64
}

fn check_found(sc: Scene, want: Reason) {
    for (i, (w, h)) in SIZES.into_iter().enumerate() {
        let (frame, truth) = scene(sc, w, h, 7 + i as u64);
        let truth = truth.expect("scene has a card");
        let result = scan(&frame);
        let r = &result.report;
        eprintln!("{sc:?} {w}x{h}: {}", serde_json::to_string(r).unwrap());
        assert!(r.found, "{sc:?} {w}x{h}: not found");
        assert_eq!(r.reason, want, "{sc:?} {w}x{h}");
        assert_eq!(r.accepted, want == Reason::Ok);
        if want != Reason::CutOff {
            let worst = r.corners.iter().zip(truth).map(|(g, e)| (g[0] - e[0]).hypot(g[1] - e[1])).fold(0.0, f64::max);
            eprintln!("  worst corner error {worst:.2} px");
            for (got, exp) in r.corners.iter().zip(truth) {
                let d = ((got[0] - exp[0]).powi(2) + (got[1] - exp[1]).powi(2)).sqrt();
                assert!(d < 1.5, "{sc:?} {w}x{h}: corner {got:?} vs true {exp:?} ({d:.2} px)");
            }
        }
        let img = result.image.expect("flattened image");
        // Portrait card comes out portrait; the heading band (top 6-13 %) is darker than the empty foot (88-97 %).
        assert!(img.height() > img.width(), "{sc:?} {w}x{h}: {}x{}", img.width(), img.height());
        if want != Reason::CutOff {
            let (head, foot) = (band_luma(&img, 0.06, 0.13), band_luma(&img, 0.88, 0.97));
            assert!(head + 40.0 < foot, "{sc:?} {w}x{h}: heading {head:.0} vs foot {foot:.0}: not upright");
        }
    }
}

#[test]
fn upright_card_is_accepted_with_exact_corners() {
    check_found(Scene::Upright, Reason::Ok);
}

#[test]
fn turned_cards_come_out_upright() {
    for q in 1..4 {
        check_found(Scene::Turned(q), Reason::Ok);
    }
}

#[test]
fn blurred_card_is_blur() {
    check_found(Scene::Blurred, Reason::Blur);
}

#[test]
fn glare_is_glare() {
    check_found(Scene::Glare, Reason::Glare);
}

#[test]
fn too_small_is_too_small() {
    check_found(Scene::TooSmall, Reason::TooSmall);
}

#[test]
fn cut_off_is_cut_off() {
    check_found(Scene::CutOff, Reason::CutOff);
}

#[test]
fn empty_table_is_no_document_and_blurred_empty_table_is_blur() {
    for (i, (w, h)) in SIZES.into_iter().enumerate() {
        for (sc, want) in [(Scene::NoDocument, Reason::NoDocument), (Scene::BlurredNoDocument, Reason::Blur)] {
            let (frame, _) = scene(sc, w, h, 40 + i as u64);
            let result = scan(&frame);
            eprintln!("{sc:?} {w}x{h}: {}", serde_json::to_string(&result.report).unwrap());
            assert!(!result.report.found);
            assert!(result.report.corners.is_empty());
            assert_eq!(result.report.reason, want, "{sc:?} {w}x{h}");
            assert!(result.image.is_none());
        }
    }
}

/// Random placements (size, position, any turn, tilt, perspective both ways) from fixed seeds: every one is found,
/// accepted, its corners within 1.5 px and its scan upright.
#[test]
fn random_placements_hold() {
    let (w, h) = (1280usize, 720usize);
    let mut state = 0x5EED_u64;
    let mut next = move || {
        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    for seed in 0..12u64 {
        let card_h = h as f64 * (0.62 + 0.2 * next());
        let turn = 90.0 * (seed % 4) as f64 + 24.0 * (next() - 0.5);
        let persp = 0.12 * (next() - 0.5);
        let margin = card_h * 0.62;
        let cx = margin + (w as f64 - 2.0 * margin) * next();
        let cy = h as f64 / 2.0 + 0.04 * h as f64 * (next() - 0.5);
        let corners = card_corners(cx, cy, card_h, turn, persp);
        let frame =
            photo(&PhotoSpec { width: w, height: h, corners: Some(corners), blur: 0.0, glare: None, shade: 0.0, seed });
        let result = scan(&frame);
        let r = &result.report;
        let label = format!("seed {seed}: turn {turn:.1} persp {persp:.3} card_h {card_h:.0}");
        assert_eq!(r.reason, Reason::Ok, "{label}: {r:?}");
        let worst = r.corners.iter().zip(corners).map(|(g, e)| (g[0] - e[0]).hypot(g[1] - e[1])).fold(0.0, f64::max);
        eprintln!("{label}: worst corner error {worst:.2} px, {} ms", r.ms);
        assert!(worst < 1.5, "{label}: corners {:?} vs {corners:?}", r.corners);
        let img = result.image.unwrap();
        let (head, foot) = (band_luma(&img, 0.06, 0.13), band_luma(&img, 0.88, 0.97));
        assert!(head + 40.0 < foot, "{label}: not upright");
    }
}

/// The blur threshold sits between a slightly soft photo (accepted) and one whose print is smeared (rejected).
#[test]
fn blur_threshold_brackets() {
    let (w, h) = (1280usize, 720usize);
    for (sigma, want) in [(1.0, Reason::Ok), (1.4, Reason::Ok), (2.2, Reason::Blur), (2.6, Reason::Blur)] {
        let corners = card_corners(0.5 * w as f64, 0.5 * h as f64, 0.78 * h as f64, -4.0, 0.05);
        let frame = photo(&PhotoSpec {
            width: w,
            height: h,
            corners: Some(corners),
            blur: sigma,
            glare: None,
            shade: 0.0,
            seed: 9,
        });
        let r = scan(&frame).report;
        eprintln!("sigma {sigma}: sharpness {}", r.sharpness);
        assert!(r.found);
        assert_eq!(r.reason, want, "sigma {sigma}: sharpness {}", r.sharpness);
    }
}

/// A lamp to one side: the far side of the frame much darker than the near one. The card is still found (its
/// contrast to the table survives) and its corners are exact.
#[test]
fn uneven_light_is_still_found() {
    let (w, h) = (1280usize, 720usize);
    for (seed, shade) in [(1u64, 0.3), (2, 0.5)] {
        let corners = card_corners(0.55 * w as f64, 0.5 * h as f64, 0.8 * h as f64, 10.0, -0.04);
        let frame =
            photo(&PhotoSpec { width: w, height: h, corners: Some(corners), blur: 0.0, glare: None, shade, seed });
        let r = scan(&frame).report;
        eprintln!("shade {shade}: {}", serde_json::to_string(&r).unwrap());
        assert_eq!(r.reason, Reason::Ok, "shade {shade}");
        let worst = r.corners.iter().zip(corners).map(|(g, e)| (g[0] - e[0]).hypot(g[1] - e[1])).fold(0.0, f64::max);
        assert!(worst < 1.5, "shade {shade}: worst corner error {worst:.2} px");
    }
}
