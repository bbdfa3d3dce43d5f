//! Image buffers. Every buffer that holds pixels of a document is wiped when dropped (`Zeroizing`): scans are
//! personal data that must not linger in freed memory.

use std::fmt;

use zeroize::Zeroizing;

/// An 8-bit RGB image, rows packed without padding. Camera frames, decoded files and flattened scans are all `Frame`s.
#[derive(Clone, PartialEq, Eq)]
pub struct Frame {
    width: u32,
    height: u32,
    rgb: Zeroizing<Vec<u8>>,
}

/// The pixel buffer's length does not match the stated size.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("an RGB frame of {width}x{height} needs {expected} bytes, got {actual}")]
pub struct FrameSizeError {
    pub width: u32,
    pub height: u32,
    pub expected: usize,
    pub actual: usize,
}

impl Frame {
    /// Wraps `rgb` (3 bytes per pixel, `width * height` pixels). The vector is taken over and wiped on drop.
    pub fn new(width: u32, height: u32, rgb: Vec<u8>) -> Result<Frame, FrameSizeError> {
        let expected = width as usize * height as usize * 3;
        if rgb.len() != expected || width == 0 || height == 0 {
            let actual = rgb.len();
            // The rejected buffer may hold a document too.
            drop(Zeroizing::new(rgb));
            return Err(FrameSizeError { width, height, expected, actual });
        }
        Ok(Frame { width, height, rgb: Zeroizing::new(rgb) })
    }

    pub(crate) fn filled(width: usize, height: usize, rgb: Zeroizing<Vec<u8>>) -> Frame {
        debug_assert_eq!(rgb.len(), width * height * 3);
        Frame { width: width as u32, height: height as u32, rgb }
    }

    pub fn width(&self) -> u32 {
        self.width
    }

    pub fn height(&self) -> u32 {
        self.height
    }

    /// The pixels, `[r, g, b]` per pixel, row after row.
    pub fn rgb(&self) -> &[u8] {
        &self.rgb
    }

    pub(crate) fn w(&self) -> usize {
        self.width as usize
    }

    pub(crate) fn h(&self) -> usize {
        self.height as usize
    }

    /// The luma of pixel (x, y): BT.601 weights in 8.8 fixed point.
    #[inline]
    pub(crate) fn luma_at(&self, x: usize, y: usize) -> u8 {
        let i = (y * self.w() + x) * 3;
        luma(self.rgb[i], self.rgb[i + 1], self.rgb[i + 2])
    }
}

// Never print pixel data (it is a person's document) — only the size.
impl fmt::Debug for Frame {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Frame({}x{})", self.width, self.height)
    }
}

#[inline]
pub(crate) fn luma(r: u8, g: u8, b: u8) -> u8 {
    ((77 * r as u32 + 150 * g as u32 + 29 * b as u32 + 128) >> 8) as u8
}

/// An 8-bit grey image used inside the pipeline; wiped on drop like `Frame`.
pub(crate) struct Gray {
    pub w: usize,
    pub h: usize,
    pub px: Zeroizing<Vec<u8>>,
}

impl Gray {
    #[cfg(test)]
    pub fn at(&self, x: usize, y: usize) -> u8 {
        self.px[y * self.w + x]
    }
}

/// Grey image of `frame` shrunk by an integer `factor`, each output pixel the mean of a `factor`×`factor` block
/// (area averaging: it suppresses sensor noise and text detail that would otherwise become false edges). Columns
/// and rows left over at the right and bottom are dropped.
pub(crate) fn downscale_gray(frame: &Frame, factor: usize) -> Gray {
    let (w, h) = (frame.w() / factor, frame.h() / factor);
    let mut px = Zeroizing::new(vec![0u8; w * h]);
    let area = (factor * factor) as u32;
    let src = frame.rgb();
    let (stride, used) = (frame.w() * 3, w * factor * 3);
    // Sum each byte column over the block's rows first (a plain, vectorisable add of whole rows), then each
    // block's columns, and weigh R, G, B once per output pixel rather than once per input pixel.
    let mut cols = Zeroizing::new(vec![0u32; used]);
    for (oy, out) in px.chunks_exact_mut(w.max(1)).enumerate() {
        cols.fill(0);
        for y in oy * factor..(oy + 1) * factor {
            for (c, &b) in cols.iter_mut().zip(&src[y * stride..y * stride + used]) {
                *c += b as u32;
            }
        }
        for (o, block) in out.iter_mut().zip(cols.chunks_exact(factor * 3)) {
            let (mut r, mut g, mut b) = (0u32, 0u32, 0u32);
            for p in block.chunks_exact(3) {
                r += p[0];
                g += p[1];
                b += p[2];
            }
            *o = ((77 * r + 150 * g + 29 * b + area * 128) / (area * 256)) as u8;
        }
    }
    Gray { w, h, px }
}

/// Bilinear luma at a point in pixel-index coordinates (pixel centres at integers), clamped to the frame.
pub(crate) fn luma_bilinear(frame: &Frame, x: f64, y: f64) -> f64 {
    let xm = (frame.w() - 1) as f64;
    let ym = (frame.h() - 1) as f64;
    let (x, y) = (x.clamp(0.0, xm), y.clamp(0.0, ym));
    let (x0, y0) = (x.floor() as usize, y.floor() as usize);
    let (x1, y1) = ((x0 + 1).min(frame.w() - 1), (y0 + 1).min(frame.h() - 1));
    let (fx, fy) = (x - x0 as f64, y - y0 as f64);
    let top = frame.luma_at(x0, y0) as f64 * (1.0 - fx) + frame.luma_at(x1, y0) as f64 * fx;
    let bottom = frame.luma_at(x0, y1) as f64 * (1.0 - fx) + frame.luma_at(x1, y1) as f64 * fx;
    top * (1.0 - fy) + bottom * fy
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_checks_the_length() {
        assert!(Frame::new(2, 2, vec![0; 12]).is_ok());
        let err = Frame::new(2, 2, vec![0; 11]).unwrap_err();
        assert_eq!(err.expected, 12);
        assert!(Frame::new(0, 0, vec![]).is_err());
    }

    #[test]
    fn downscale_averages_blocks() {
        // 4x2 frame: left 2x2 block black, right 2x2 block white -> 2x1 grey of [0, 255].
        let mut rgb = vec![0u8; 4 * 2 * 3];
        for y in 0..2 {
            for x in 2..4 {
                rgb[(y * 4 + x) * 3..(y * 4 + x) * 3 + 3].fill(255);
            }
        }
        let g = downscale_gray(&Frame::new(4, 2, rgb).unwrap(), 2);
        assert_eq!((g.w, g.h), (2, 1));
        assert_eq!(&g.px[..], &[0, 255]);
    }

    #[test]
    fn debug_never_prints_pixels() {
        let f = Frame::new(1, 1, vec![1, 2, 3]).unwrap();
        assert_eq!(format!("{f:?}"), "Frame(1x1)");
    }
}
