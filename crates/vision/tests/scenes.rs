//! The pipeline on generated photos: corners, reasons and the upright result.

use pdo_vision::testimg::{Scene, scene};
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
            for (got, exp) in r.corners.iter().zip(truth) {
                let d = ((got[0] - exp[0]).powi(2) + (got[1] - exp[1]).powi(2)).sqrt();
                assert!(d < 3.0, "{sc:?} {w}x{h}: corner {got:?} vs true {exp:?} ({d:.2} px)");
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
