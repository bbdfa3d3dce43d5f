//! Pictures of the forms' first pages for the screen before printing. Poppler's `pdftoppm` rasterises them through
//! pipes (the PDF on its standard input, a PNG on its standard output), so the forms still never touch the disk.
//! Without poppler the screen simply shows no previews: printing does not depend on them.

use super::{Fonts, render_all};
use iced::widget::image;
use pdo_core::api::Application;
use std::io::Write;
use std::process::{Command, Stdio};

/// Resolution of the previews: a third of an A4 page's width fits a 1920-pixel screen at this density and stays
/// readable (headings and numbers) without zooming.
const PREVIEW_DPI: u32 = 60;

/// The first page of each of the three forms as a PNG handle; empty when they cannot be rendered.
pub fn first_pages(application: &Application) -> Vec<image::Handle> {
    let Ok(fonts) = Fonts::shared() else { return Vec::new() };
    let forms = match render_all(application, fonts) {
        Ok(forms) => forms,
        Err(err) => {
            tracing::warn!(error = %err, "forms not rendered for the preview");
            return Vec::new();
        }
    };
    let mut pages = Vec::new();
    for (kind, pdf) in forms.iter() {
        match first_page_png(pdf, PREVIEW_DPI) {
            Ok(png) => pages.push(image::Handle::from_bytes(png)),
            Err(err) => {
                tracing::warn!(form = ?kind, error = %err, "no preview");
                return Vec::new();
            }
        }
    }
    pages
}

/// The PDF's first page as PNG bytes at `dpi`, through `pdftoppm` with pipes only.
pub fn first_page_png(pdf: &[u8], dpi: u32) -> std::io::Result<Vec<u8>> {
    let mut child = Command::new("pdftoppm")
        .args(["-png", "-singlefile", "-f", "1", "-l", "1", "-r", &dpi.to_string(), "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()?;
    let mut stdin = child.stdin.take().expect("stdin is piped");
    let input = pdf.to_vec();
    // Written from another thread so a large PDF cannot dead-lock against a full stdout pipe.
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let output = child.wait_with_output()?;
    writer.join().map_err(|_| std::io::Error::other("writer thread panicked"))??;
    if !output.status.success() || !output.stdout.starts_with(b"\x89PNG") {
        return Err(std::io::Error::other(format!("pdftoppm failed: {}", output.status)));
    }
    Ok(output.stdout)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_page_comes_back_as_a_png_of_an_a4_page() {
        let fonts = Fonts::shared().unwrap();
        let forms = render_all(&crate::print::demo::parent(), fonts).unwrap();
        let png = first_page_png(&forms.application, 30).expect("pdftoppm is installed for the tests");
        // PNG's IHDR: width and height at bytes 16..24. A4 at 30 dpi is 248.0 × 350.8 pixels, rounded up.
        let width = u32::from_be_bytes(png[16..20].try_into().unwrap());
        let height = u32::from_be_bytes(png[20..24].try_into().unwrap());
        assert!((248..=249).contains(&width) && (351..=352).contains(&height), "{width} × {height}");
    }
}
