//! JPEG encoding of scans through libjpeg-turbo (SIMD). Chosen over the pure-Rust `jpeg-encoder` (with `simd`) by
//! measurement on the project's 2-core machine: a 1080p q85 frame took 5–9 ms here against 15–18 ms there (README).

use turbojpeg::{Compressor, Image, PixelFormat, Subsamp};
use zeroize::Zeroizing;

use crate::frame::Frame;

/// The quality scans are stored at.
pub const SCAN_JPEG_QUALITY: u8 = 85;

#[derive(Debug, thiserror::Error)]
#[error("JPEG encoding failed: {0}")]
pub struct JpegError(String);

/// Encodes `frame` as a baseline JPEG with 4:2:0 chroma. The output buffer is wiped when dropped; the encoder writes
/// straight into it, so no other copy of the compressed scan is left in freed memory.
pub fn encode_jpeg(frame: &Frame, quality: u8) -> Result<Zeroizing<Vec<u8>>, JpegError> {
    let err = |e: turbojpeg::Error| JpegError(e.to_string());
    let mut c = Compressor::new().map_err(err)?;
    c.set_quality(quality.clamp(1, 100) as i32);
    c.set_subsamp(Subsamp::Sub2x2);
    let (w, h) = (frame.w(), frame.h());
    let mut out = Zeroizing::new(vec![0u8; c.buf_len(w, h).map_err(err)?]);
    let image = Image { pixels: frame.rgb(), width: w, pitch: w * 3, height: h, format: PixelFormat::RGB };
    let len = c.compress_to_slice(image, &mut out).map_err(err)?;
    out.truncate(len);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_a_decodable_jpeg() {
        let rgb: Vec<u8> = (0..64 * 48 * 3).map(|i| (i % 256) as u8).collect();
        let f = Frame::new(64, 48, rgb).unwrap();
        let jpeg = encode_jpeg(&f, 85).unwrap();
        assert_eq!(&jpeg[..2], &[0xFF, 0xD8]);
        let back = image::load_from_memory(&jpeg).unwrap();
        assert_eq!((back.width(), back.height()), (64, 48));
    }
}
