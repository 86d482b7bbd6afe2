//! Exercise 08 — profile first.
//!
//! A heatmap of clicks: JavaScript writes a batch of points into the
//! module's buffer, `add_points` counts how many fall in each cell of a grid
//! laid over the page, and `hottest` ranks the cells. It works — every
//! answer is right — but it is far too slow for its budget. Read README.md
//! first: profile it, find the one hot spot, and change only that. The
//! answers must stay exactly as they are.
//!
//! Profile it with `cargo run -p grader -- profile profile_first`; run the
//! tests with `cargo run -p grader -- run profile_first`.

use wasm_bindgen::prelude::*;

/// How many points fell in each cell of a grid of `columns × rows` square
/// cells, `cell` CSS pixels a side, laid over the page from (0, 0).
#[wasm_bindgen]
pub struct Heatmap {
    columns: usize,
    rows: usize,
    /// The side of a cell, in CSS pixels.
    cell: u32,
    /// Points per cell, row by row: cell (column, row) is at
    /// `row * columns + column`.
    counts: Vec<u32>,
    /// Points that fell in a cell, and points that fell off the grid.
    total: u32,
    missed: u32,
    /// The batch JavaScript writes, two f64 per point: x0, y0, x1, y1, …
    points: Vec<f64>,
}

#[wasm_bindgen]
impl Heatmap {
    /// An empty heatmap: `new Heatmap(240, 135, 8)` covers a 1920 × 1080 page.
    #[wasm_bindgen(constructor)]
    pub fn new(columns: usize, rows: usize, cell: u32) -> Heatmap {
        Heatmap { columns, rows, cell, counts: vec![0; columns * rows], total: 0, missed: 0, points: Vec::new() }
    }

    /// Room for `count` points in the module's buffer (`2 × count` f64: x, y,
    /// x, y, …); JavaScript writes the batch at the returned address with one
    /// `Float64Array.set`. The buffer is kept and reused by the next batch.
    pub fn input_buffer(&mut self, count: usize) -> *mut f64 {
        self.points.resize(2 * count, 0.0);
        self.points.as_mut_ptr()
    }

    /// Counts the first `count` points of the buffer, each in the cell that
    /// holds it, or as missed when it lies off the grid.
    pub fn add_points(&mut self, count: usize) {
        // TODO: binning is far over its budget (README.md). Profile first,
        // then change only what the profile shows: every answer must stay
        // exactly as it is.
        let count = count.min(self.points.len() / 2);
        for i in 0..count {
            let (x, y) = (self.points[2 * i], self.points[2 * i + 1]);
            match self.cell_at(x, y) {
                Some(index) => {
                    self.counts[index] += 1;
                    self.total += 1;
                }
                None => self.missed += 1,
            }
        }
    }

    /// The `k` hottest cells, hottest first, as indexes (`row * columns +
    /// column`); of two cells with the same count, the lower index first. A
    /// cell no point fell in is never listed.
    pub fn hottest(&self, k: usize) -> Vec<u32> {
        // Every cell, ranked: the most points first, then the lower index.
        // (A sort of all 32,400 cells of a full-HD page, on every call: the
        // team's first suspect when the heatmap got slow.)
        let mut ranked: Vec<(u32, u32)> =
            self.counts.iter().enumerate().map(|(index, &count)| (count, index as u32)).collect();
        ranked.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        ranked.iter().take_while(|&&(count, _)| count > 0).take(k).map(|&(_, index)| index).collect()
    }

    /// The points counted in cell (`column`, `row`); 0 off the grid.
    pub fn count(&self, column: usize, row: usize) -> u32 {
        if column < self.columns && row < self.rows {
            self.counts[row * self.columns + column]
        } else {
            0
        }
    }

    /// Points counted in a cell, since the heatmap was made or cleared.
    pub fn total(&self) -> u32 {
        self.total
    }

    /// Points that fell off the grid (or were not numbers).
    pub fn missed(&self) -> u32 {
        self.missed
    }

    pub fn columns(&self) -> usize {
        self.columns
    }

    pub fn rows(&self) -> usize {
        self.rows
    }

    /// The side of a cell, in CSS pixels.
    pub fn cell(&self) -> u32 {
        self.cell
    }

    /// Every count back to 0.
    pub fn clear(&mut self) {
        self.counts.fill(0);
        self.total = 0;
        self.missed = 0;
    }
}

impl Heatmap {
    /// The index of the cell that holds (x, y), or None off the grid.
    fn cell_at(&self, x: f64, y: f64) -> Option<usize> {
        let column = band(&self.column_edges(), x)?;
        let row = band(&self.row_edges(), y)?;
        Some(row * self.columns + column)
    }

    /// Where each column starts, left to right, then where the last one ends.
    fn column_edges(&self) -> Vec<f64> {
        edges(self.columns, self.cell)
    }

    /// Where each row starts, top to bottom, then where the last one ends.
    fn row_edges(&self) -> Vec<f64> {
        edges(self.rows, self.cell)
    }
}

/// The `n + 1` edges of `n` bands of `size` pixels each, from 0.
fn edges(n: usize, size: u32) -> Vec<f64> {
    (0..=n).map(|i| i as f64 * f64::from(size)).collect()
}

/// Which band of `edges` holds `v`, by binary search: a value on an edge
/// belongs to the band that starts there. Below the first edge, at or past
/// the last, or NaN: None.
fn band(edges: &[f64], v: f64) -> Option<usize> {
    let after = edges.partition_point(|&edge| edge <= v);
    (1..edges.len()).contains(&after).then(|| after - 1)
}
