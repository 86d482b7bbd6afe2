//! The kernels behind the lesson's "Performance Benchmarks" table, and the
//! course's own grayscale, written the plain way a student would. `grader
//! bench` builds this crate twice in release (plain, and with `simd128` so
//! the compiler may vectorise the loops) and times every kernel against its
//! JavaScript twin in grader/bench/js/kernels.mjs, after checking that both
//! compute the same result.
//!
//! Inputs live in buffers the module owns; JavaScript fills them through
//! views before any timing, so the kernels are timed, not the copies —
//! except where the copies are the point (`grayscale_copied`).

use wasm_bindgen::prelude::*;

/// Recursive Fibonacci, as in the lesson (f64, like JavaScript's numbers).
#[wasm_bindgen]
pub fn fib(n: u32) -> f64 {
    if n < 2 {
        n as f64
    } else {
        fib(n - 1) + fib(n - 2)
    }
}

/// Two n×n matrices of f64 and their product, row-major.
#[wasm_bindgen]
pub struct Matrices {
    n: usize,
    a: Vec<f64>,
    b: Vec<f64>,
    c: Vec<f64>,
}

#[wasm_bindgen]
impl Matrices {
    #[wasm_bindgen(constructor)]
    pub fn new(n: usize) -> Matrices {
        Matrices { n, a: vec![0.0; n * n], b: vec![0.0; n * n], c: vec![0.0; n * n] }
    }
    pub fn a_ptr(&mut self) -> *mut f64 {
        self.a.as_mut_ptr()
    }
    pub fn b_ptr(&mut self) -> *mut f64 {
        self.b.as_mut_ptr()
    }
    pub fn c_ptr(&self) -> *const f64 {
        self.c.as_ptr()
    }
    /// c = a × b, in i-k-j order so the inner loop walks rows (the same
    /// order as the JavaScript twin, so both do the same arithmetic).
    pub fn multiply(&mut self) {
        let n = self.n;
        self.c.fill(0.0);
        for i in 0..n {
            let row = &mut self.c[i * n..(i + 1) * n];
            for k in 0..n {
                let aik = self.a[i * n + k];
                let b_row = &self.b[k * n..(k + 1) * n];
                for (c, b) in row.iter_mut().zip(b_row) {
                    *c += aik * b;
                }
            }
        }
    }
}

/// An RGBA image and a buffer for its blurred copy.
#[wasm_bindgen]
pub struct Image {
    width: usize,
    height: usize,
    pixels: Vec<u8>,
    blurred: Vec<u8>,
}

#[wasm_bindgen]
impl Image {
    #[wasm_bindgen(constructor)]
    pub fn new(width: usize, height: usize) -> Image {
        Image { width, height, pixels: vec![0; width * height * 4], blurred: vec![0; width * height * 4] }
    }
    pub fn pixels_ptr(&mut self) -> *mut u8 {
        self.pixels.as_mut_ptr()
    }
    pub fn blurred_ptr(&self) -> *const u8 {
        self.blurred.as_ptr()
    }

    /// A 3×3 box blur of every channel, edges clamped, integer division —
    /// exactly the JavaScript twin's arithmetic.
    pub fn blur(&mut self) {
        let (w, h) = (self.width, self.height);
        for y in 0..h {
            let rows = [y.saturating_sub(1), y, (y + 1).min(h - 1)];
            for x in 0..w {
                let cols = [x.saturating_sub(1), x, (x + 1).min(w - 1)];
                for channel in 0..4 {
                    let mut sum = 0u32;
                    for row in rows {
                        for col in cols {
                            sum += self.pixels[(row * w + col) * 4 + channel] as u32;
                        }
                    }
                    self.blurred[(y * w + x) * 4 + channel] = (sum / 9) as u8;
                }
            }
        }
    }

    /// The course's grayscale (exercise 07's weights, in f64 like
    /// JavaScript), in place; alpha untouched.
    pub fn grayscale(&mut self) {
        grayscale(&mut self.pixels);
    }
}

fn grayscale(pixels: &mut [u8]) {
    for pixel in pixels.chunks_exact_mut(4) {
        let gray = (0.299 * pixel[0] as f64 + 0.587 * pixel[1] as f64 + 0.114 * pixel[2] as f64 + 0.5) as u8;
        pixel[0] = gray;
        pixel[1] = gray;
        pixel[2] = gray;
    }
}

/// Grayscale the way code that ignores the lesson does it: the frame is
/// copied into WASM memory, processed, and copied back out, every frame.
#[wasm_bindgen]
pub fn grayscale_copied(frame: &[u8]) -> Vec<u8> {
    let mut pixels = frame.to_vec();
    grayscale(&mut pixels);
    pixels
}

/// Parses a JSON document (passed as a string, so it is copied into WASM
/// memory) and returns a checksum over it: the number of values plus the
/// sum of the numbers, which the JavaScript twin computes the same way.
#[wasm_bindgen]
pub fn parse_json(text: &str) -> Result<f64, JsError> {
    let value: serde_json::Value = serde_json::from_str(text)?;
    Ok(checksum(&value))
}

fn checksum(value: &serde_json::Value) -> f64 {
    use serde_json::Value;
    1.0 + match value {
        Value::Number(n) => n.as_f64().unwrap_or(0.0),
        Value::Array(items) => items.iter().map(checksum).sum(),
        Value::Object(fields) => fields.values().map(checksum).sum(),
        Value::Null | Value::Bool(_) | Value::String(_) => 0.0,
    }
}
