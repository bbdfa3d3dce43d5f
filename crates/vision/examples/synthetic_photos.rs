//! Writes generated photos of an invented document into a folder, for `camera = "synthetic:DIR"` in demonstrations
//! and screenshots: the card held in two slightly different places, so the live preview shows the outline and
//! "hold still" (a steady card would be captured by itself within a second).
//!
//! usage: cargo run -p pdo-vision --example synthetic_photos -- DIR [WIDTH HEIGHT]

use pdo_vision::testimg::{PhotoSpec, card_corners, photo};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let dir = std::path::PathBuf::from(args.next().ok_or("usage: synthetic_photos DIR [WIDTH HEIGHT]")?);
    let width: usize = args.next().map(|w| w.parse()).transpose()?.unwrap_or(1280);
    let height: usize = args.next().map(|h| h.parse()).transpose()?.unwrap_or(720);
    std::fs::create_dir_all(&dir)?;
    let (w, h) = (width as f64, height as f64);
    for (index, (cx, turn)) in [(0.47, 5.0), (0.50, 8.0)].into_iter().enumerate() {
        let corners = card_corners(cx * w, 0.5 * h, 0.78 * h, turn, 0.06);
        let spec = PhotoSpec { width, height, corners: Some(corners), blur: 0.0, glare: None, shade: 0.0, seed: 7 };
        let jpeg = pdo_vision::encode_jpeg(&photo(&spec), 92)?;
        let path = dir.join(format!("frame-{index}.jpg"));
        std::fs::write(&path, &*jpeg)?;
        println!("{}", path.display());
    }
    Ok(())
}
