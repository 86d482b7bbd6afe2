//! Tests for exercise 08. They grade both the exercise and its reference
//! solution (the solution's Cargo.toml points here), so there is one copy.
//!
//! The program as shipped gives every right answer: the tests of the
//! answers pass on it (they are demonstrations in course.toml, and carry no
//! points) and must keep passing — the fix changes the cost, not a count.
//! The cost is counted, never timed: this file installs a counting global
//! allocator for the whole test binary (the exercise cannot opt out of it),
//! which also notes the pages it grew memory by, so that pages grown around
//! it (`memory_grow` called directly, a private arena) show too. The JS
//! harness makes the clicks and writes them into the module's buffer
//! through a view, as a page would.

use core::sync::atomic::{AtomicUsize, Ordering};
use profile_first::Heatmap;
use std::alloc::{GlobalAlloc, Layout, System};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::wasm_bindgen_test;

/// Counts every allocation (and reallocation) made in WASM memory.
struct CountingAllocator;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);
static BYTES: AtomicUsize = AtomicUsize::new(0);
/// Pages of 64 KiB that linear memory grew by inside the allocator.
static ALLOCATOR_PAGES: AtomicUsize = AtomicUsize::new(0);

/// Runs one call of the real allocator, noting the pages it grew memory by.
fn growing(allocate: impl FnOnce() -> *mut u8) -> *mut u8 {
    let pages = core::arch::wasm32::memory_size(0);
    let ptr = allocate();
    ALLOCATOR_PAGES.fetch_add(core::arch::wasm32::memory_size(0) - pages, Ordering::SeqCst);
    ptr
}

unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        BYTES.fetch_add(layout.size(), Ordering::Relaxed);
        growing(|| unsafe { System.alloc(layout) })
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        BYTES.fetch_add(new_size, Ordering::Relaxed);
        growing(|| unsafe { System.realloc(ptr, layout, new_size) })
    }
}

#[global_allocator]
static COUNTING: CountingAllocator = CountingAllocator;

/// What `f` did to memory while it ran.
struct Measured {
    allocations: usize,
    bytes: usize,
    /// Pages grown around the allocator (by `memory_grow`).
    private_pages: usize,
}

fn measure<T>(f: impl FnOnce() -> T) -> (T, Measured) {
    let pages = core::arch::wasm32::memory_size(0);
    let allocator_pages = ALLOCATOR_PAGES.load(Ordering::SeqCst);
    let (allocations, bytes) = (ALLOCATIONS.load(Ordering::SeqCst), BYTES.load(Ordering::SeqCst));
    let result = f();
    let pages = core::arch::wasm32::memory_size(0) - pages;
    let measured = Measured {
        allocations: ALLOCATIONS.load(Ordering::SeqCst) - allocations,
        bytes: BYTES.load(Ordering::SeqCst) - bytes,
        private_pages: pages - (ALLOCATOR_PAGES.load(Ordering::SeqCst) - allocator_pages),
    };
    (result, measured)
}

#[wasm_bindgen(inline_js = r#"
// Clicks on a page, x then y for each: most around a few buttons, some
// anywhere, a few past the page's edges (scrolled, or dragged out). The
// same seed gives the same clicks.
export function clicks(count, width, height, seed) {
    let state = seed >>> 0;
    const next = () => {
        state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
        return state / 4294967296;
    };
    const buttons = [[0.12, 0.08], [0.5, 0.5], [0.83, 0.9], [0.3, 0.7]];
    const points = new Float64Array(2 * count);
    for (let i = 0; i < count; i++) {
        const kind = next();
        let x, y;
        if (kind < 0.7) {
            const [bx, by] = buttons[Math.floor(next() * buttons.length)];
            x = bx * width + (next() + next() + next() - 1.5) * 40;
            y = by * height + (next() + next() + next() - 1.5) * 24;
        } else if (kind < 0.97) {
            x = next() * width;
            y = next() * height;
        } else {
            x = (next() * 1.2 - 0.1) * width;
            y = (next() * 1.2 - 0.1) * height;
        }
        points[2 * i] = x;
        points[2 * i + 1] = y;
    }
    return points;
}
// The page's one copy in: a view at the module's address, one set().
export function write_points(memory, ptr, points) {
    new Float64Array(memory.buffer, ptr, points.length).set(points);
}
"#)]
extern "C" {
    fn clicks(count: usize, width: f64, height: f64, seed: u32) -> js_sys::Float64Array;
    fn write_points(memory: &JsValue, ptr: *mut f64, points: &js_sys::Float64Array);
}

/// A full-HD page in cells of 8 × 8 pixels: 240 × 135 = 32,400 cells.
const COLUMNS: usize = 240;
const ROWS: usize = 135;
const CELL: u32 = 8;

/// Hands `points` (x, y, x, y, …) to the heatmap as a page would: room in
/// the module's buffer, then one `set` through a view made after it.
fn hand_over(map: &mut Heatmap, points: &js_sys::Float64Array) -> usize {
    let count = points.length() as usize / 2;
    let ptr = map.input_buffer(count);
    write_points(&wasm_bindgen::memory(), ptr, points);
    count
}

/// The cells README.md describes, counted here the plain way: column
/// `floor(x / cell)` when 0 ≤ x < columns × cell, the same for rows.
/// Returns the counts and the points missed.
fn expected_counts(points: &[f64], columns: usize, rows: usize, cell: u32) -> (Vec<u32>, u32) {
    let mut counts = vec![0; columns * rows];
    let mut missed = 0;
    let cell = f64::from(cell);
    let band = |v: f64, bands: usize| (v >= 0.0 && v < bands as f64 * cell).then(|| (v / cell).floor() as usize);
    for point in points.chunks_exact(2) {
        match (band(point[0], columns), band(point[1], rows)) {
            (Some(column), Some(row)) => counts[row * columns + column] += 1,
            _ => missed += 1,
        }
    }
    (counts, missed)
}

/// The `k` hottest cells README.md describes: most points first, a tie to
/// the lower index, empty cells never.
fn expected_hottest(counts: &[u32], k: usize) -> Vec<u32> {
    let mut cells: Vec<u32> = (0..counts.len() as u32).filter(|&i| counts[i as usize] > 0).collect();
    cells.sort_by_key(|&i| (core::cmp::Reverse(counts[i as usize]), i));
    cells.truncate(k);
    cells
}

/// `n` with a comma every three digits: 30,160,000.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

#[wasm_bindgen_test]
fn points_fall_in_the_cells_that_hold_them() {
    // A grid of 4 × 3 cells of 8 pixels: 32 × 24 pixels.
    let mut map = Heatmap::new(4, 3, 8);
    let below_8 = f64::from_bits(8.0f64.to_bits() - 1);
    let points = [
        (0.0, 0.0, Some(0)),
        (below_8, below_8, Some(0)),
        (8.0, 0.0, Some(1)),
        (0.0, 8.0, Some(4)),
        (31.5, 23.5, Some(11)),
        (-0.0, 16.0, Some(8)),
        (20.25, 10.0, Some(6)),
        (32.0, 0.0, None),
        (0.0, 24.0, None),
        (-0.001, 5.0, None),
        (5.0, -7.0, None),
        (f64::NAN, 5.0, None),
        (5.0, f64::INFINITY, None),
        (f64::NEG_INFINITY, 5.0, None),
    ];
    let xy: Vec<f64> = points.iter().flat_map(|&(x, y, _)| [x, y]).collect();
    let count = hand_over(&mut map, &js_sys::Float64Array::from(&xy[..]));
    map.add_points(count);
    for &(x, y, cell) in &points {
        let expected: usize = points.iter().filter(|p| p.2.is_some() && p.2 == cell).count();
        if let Some(cell) = cell {
            assert_eq!(
                map.count(cell % 4, cell / 4) as usize,
                expected,
                "({x}, {y}) belongs to cell {cell} (column {}, row {}): a cell holds the points from its left and \
                 top edges up to, not including, its right and bottom ones",
                cell % 4,
                cell / 4
            );
        }
    }
    assert_eq!(map.total(), 7, "7 of the points lie on the 32 × 24 grid");
    assert_eq!(
        map.missed(),
        7,
        "7 points lie off the grid, on its right or bottom edge, outside it, or are not finite numbers"
    );
    assert_eq!(map.count(4, 0), 0, "a column past the grid holds nothing");
}

#[wasm_bindgen_test]
fn the_hottest_cells_come_first_and_ties_go_to_the_lower_index() {
    let mut map = Heatmap::new(4, 3, 8);
    assert_eq!(map.hottest(5), Vec::<u32>::new(), "an empty heatmap has no hot cells");
    // Cell 9 three times, cells 2 and 7 twice each, cell 5 once.
    let cells = [9, 2, 9, 7, 5, 7, 9, 2];
    let xy: Vec<f64> =
        cells.iter().flat_map(|&c| [f64::from(c % 4) * 8.0 + 3.0, f64::from(c / 4) * 8.0 + 5.0]).collect();
    let count = hand_over(&mut map, &js_sys::Float64Array::from(&xy[..]));
    map.add_points(count);
    assert_eq!(map.hottest(3), vec![9, 2, 7], "most points first; cells 2 and 7 tie, and the lower index comes first");
    assert_eq!(map.hottest(0), Vec::<u32>::new(), "hottest(0) lists nothing");
    assert_eq!(map.hottest(100), vec![9, 2, 7, 5], "only the cells points fell in are listed, however many are asked");
}

#[wasm_bindgen_test]
fn a_day_of_clicks_on_a_full_hd_page_is_binned_exactly() {
    let mut map = Heatmap::new(COLUMNS, ROWS, CELL);
    let points = clicks(10_000, 1920.0, 1080.0, 2026);
    let count = hand_over(&mut map, &points);
    map.add_points(count);
    let (counts, missed) = expected_counts(&points.to_vec(), COLUMNS, ROWS, CELL);
    for row in 0..ROWS {
        for column in 0..COLUMNS {
            let expected = counts[row * COLUMNS + column];
            let got = map.count(column, row);
            assert_eq!(
                got, expected,
                "cell (column {column}, row {row}) holds {expected} of the 10,000 clicks, not {got}: a fix changes \
                 what the program costs, never what it answers"
            );
        }
    }
    assert_eq!(
        (map.total(), map.missed()),
        (10_000 - missed, missed),
        "every click is counted once, in a cell or as missed"
    );
    assert_eq!(map.hottest(10), expected_hottest(&counts, 10), "the 10 hottest cells, most points first");
}

#[wasm_bindgen_test]
fn batches_add_up_and_clear_starts_again() {
    let mut map = Heatmap::new(COLUMNS, ROWS, CELL);
    let first = clicks(3_000, 1920.0, 1080.0, 7);
    let second = clicks(500, 1920.0, 1080.0, 8);
    let count = hand_over(&mut map, &first);
    let buffer = map.input_buffer(count);
    map.add_points(count);
    let count = hand_over(&mut map, &second);
    assert_eq!(
        map.input_buffer(count),
        buffer,
        "input_buffer keeps the module's one buffer: a smaller batch after a larger one gets the same address"
    );
    map.add_points(count);
    let both: Vec<f64> = first.to_vec().into_iter().chain(second.to_vec()).collect();
    let (counts, missed) = expected_counts(&both, COLUMNS, ROWS, CELL);
    assert_eq!(
        (map.total(), map.missed()),
        (3_500 - missed, missed),
        "a batch of 3,000 clicks, then one of 500 in the same buffer: the counts add up"
    );
    assert_eq!(map.hottest(20), expected_hottest(&counts, 20), "the 20 hottest cells of both batches");
    map.clear();
    assert_eq!((map.total(), map.missed(), map.hottest(1)), (0, 0, vec![]), "clear() sets every count back to 0");
    let count = hand_over(&mut map, &second);
    map.add_points(count);
    let (counts, missed) = expected_counts(&second.to_vec(), COLUMNS, ROWS, CELL);
    assert_eq!((map.total(), map.missed()), (500 - missed, missed), "after clear(), only the new batch counts");
    assert_eq!(map.hottest(5), expected_hottest(&counts, 5));
}

#[wasm_bindgen_test]
fn binning_a_batch_costs_nothing_per_point() {
    let mut map = Heatmap::new(COLUMNS, ROWS, CELL);
    // A first batch, unmeasured: what is made once (on the first call, if
    // not in new) is not the budget's concern.
    let count = hand_over(&mut map, &clicks(1_000, 1920.0, 1080.0, 1));
    map.add_points(count);
    let points = 10_000;
    let count = hand_over(&mut map, &clicks(points, 1920.0, 1080.0, 2));
    let ((), Measured { allocations, bytes, private_pages }) = measure(|| map.add_points(count));
    assert!(
        bytes <= 16 * 1024 && allocations <= 16,
        "add_points({}) made {} allocation(s), {} bytes in all: {} bytes and {:.1} allocations for every \
         point, work as large as the grid done again for each click. The budget is \
         nothing per point (a table or two per batch at most: 16 KiB). This is not the sort in hottest(), \
         which this test does not call, nor the arithmetic of a point, which allocates nothing: the profile \
         points elsewhere. Profile first — `cargo run -p grader -- profile profile_first` — and look for what \
         add_points does for every point that it could do once; change only that",
        thousands(points),
        thousands(allocations),
        thousands(bytes),
        thousands(bytes / points),
        allocations as f64 / points as f64
    );
    assert_eq!(
        private_pages,
        0,
        "add_points({}) grew linear memory by {private_pages} page(s) of 64 KiB around the allocator: \
         memory taken with memory_grow is allocated all the same. Make what the points need once, and keep it",
        thousands(points)
    );
}
