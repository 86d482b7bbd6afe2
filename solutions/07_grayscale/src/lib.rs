//! Exercise 07 — the grayscale kernel (reference solution).
//!
//! The lesson's image-processing example in Rust: turn RGBA pixels gray in
//! place, in the buffer JavaScript filled, so a canvas frame crosses the
//! boundary at most once each way (or not at all, through a view).

use core::fmt;
use wasm_bindgen::prelude::*;

/// The lesson's luminance weights (ITU-R BT.601).
pub const WEIGHTS: [f32; 3] = [0.299, 0.587, 0.114];

/// A pixel buffer whose length is not a whole number of RGBA pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotRgba {
    pub len: usize,
}

impl fmt::Display for NotRgba {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} bytes is not a whole number of RGBA pixels (4 bytes each)", self.len)
    }
}

impl From<NotRgba> for JsValue {
    fn from(error: NotRgba) -> JsValue {
        JsError::new(&error.to_string()).into()
    }
}

/// The gray level of one pixel: the weighted sum computed in f32, in the
/// order r, g, b, then rounded to the nearest integer. (The lesson's C code
/// truncates instead, which turns some grays darker: 37 becomes 36.)
pub fn luma(r: u8, g: u8, b: u8) -> u8 {
    let [wr, wg, wb] = WEIGHTS;
    let sum = wr * f32::from(r) + wg * f32::from(g) + wb * f32::from(b);
    // `as` saturates, so even a sum a hair over 255 stays 255.
    (sum + 0.5) as u8
}

/// Turns every RGBA pixel of `pixels` gray in place; alpha is not touched.
pub fn grayscale(pixels: &mut [u8]) -> Result<(), NotRgba> {
    if pixels.len() % 4 != 0 {
        return Err(NotRgba { len: pixels.len() });
    }
    for pixel in pixels.chunks_exact_mut(4) {
        let gray = luma(pixel[0], pixel[1], pixel[2]);
        pixel[..3].fill(gray);
    }
    Ok(())
}

/// A frame of `width × height` RGBA pixels in linear memory, which JavaScript
/// fills from a canvas and reads back, through views at `ptr()`.
#[wasm_bindgen]
pub struct Frame {
    pixels: Vec<u8>,
    width: u32,
    height: u32,
}

#[wasm_bindgen]
impl Frame {
    #[wasm_bindgen(constructor)]
    pub fn new(width: u32, height: u32) -> Frame {
        Frame { pixels: vec![0; width as usize * height as usize * 4], width, height }
    }

    pub fn ptr(&self) -> usize {
        self.pixels.as_ptr() as usize
    }

    pub fn len(&self) -> usize {
        self.pixels.len()
    }

    pub fn is_empty(&self) -> bool {
        self.pixels.is_empty()
    }

    pub fn width(&self) -> u32 {
        self.width
    }

    pub fn height(&self) -> u32 {
        self.height
    }

    /// The hot call: the whole frame gray, where it is.
    #[wasm_bindgen(js_name = grayscale)]
    pub fn grayscale_in_place(&mut self) {
        // A frame always holds whole pixels, so this cannot fail.
        let _ = grayscale(&mut self.pixels);
    }
}
