//! Files in and out: what `pdo-kiosk scan-image` and the synthetic camera need.

use std::path::{Path, PathBuf};

use zeroize::Zeroizing;

use crate::frame::Frame;
use crate::jpeg::{JpegError, SCAN_JPEG_QUALITY, encode_jpeg};
use crate::pipeline::{ScanReport, scan};

#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    #[error("cannot read {}: {source}", path.display())]
    Read { path: PathBuf, source: std::io::Error },
    #[error("{} is not a PNG or JPEG image: {reason}", path.display())]
    NotAnImage { path: PathBuf, reason: String },
    #[error("cannot write {}: {source}", path.display())]
    Write { path: PathBuf, source: std::io::Error },
    #[error("{}: {source}", path.display())]
    Encode { path: PathBuf, source: JpegError },
}

/// Reads a PNG or JPEG file into an RGB frame. The file's bytes and the decoded pixels are wiped when dropped
/// (the decoder's own scratch buffers are not: they are outside this crate's reach).
pub fn load_frame(path: &Path) -> Result<Frame, ScanError> {
    let bytes = Zeroizing::new(std::fs::read(path).map_err(|source| ScanError::Read { path: path.into(), source })?);
    let not_image = |reason: String| ScanError::NotAnImage { path: path.into(), reason };
    let format = image::guess_format(&bytes).map_err(|e| not_image(e.to_string()))?;
    if !matches!(format, image::ImageFormat::Png | image::ImageFormat::Jpeg) {
        return Err(not_image(format!("{format:?} is not supported")));
    }
    let decoded = image::load_from_memory_with_format(&bytes, format).map_err(|e| not_image(e.to_string()))?;
    let rgb = decoded.into_rgb8();
    let (w, h) = rgb.dimensions();
    Frame::new(w, h, rgb.into_raw()).map_err(|e| not_image(e.to_string()))
}

/// The staff command `pdo-kiosk scan-image --input PHOTO --out SCAN.jpg`: runs the pipeline on the photo and
/// returns the report to print as JSON.
///
/// When a document was found (`report.found`, accepted or not) the flattened, upright scan is written to `out` as
/// JPEG q85, so staff can see what a rejection looked like. When none was found nothing is written and an existing
/// `out` is left as it was. Errors name the file: unreadable, not a PNG/JPEG image, or not writable.
pub fn scan_file(input: &Path, out: &Path) -> Result<ScanReport, ScanError> {
    let frame = load_frame(input)?;
    let result = scan(&frame);
    if let Some(image) = &result.image {
        let jpeg =
            encode_jpeg(image, SCAN_JPEG_QUALITY).map_err(|source| ScanError::Encode { path: out.into(), source })?;
        std::fs::write(out, &jpeg[..]).map_err(|source| ScanError::Write { path: out.into(), source })?;
    }
    Ok(result.report)
}
