// The frame interface as JavaScript sees it — the one place that knows the
// layout of the core's packed records (src/lib.rs: KeyEvent, FrameSummary,
// LineRecord). The page (main.js) and the benchmark (mix/bench) both use it,
// so the benchmark times the page's own code.

export const NAMED_KEY = 0x110000;
export const NAMED_KEYS = ["Escape", "Enter", "Backspace", "Delete", "Tab", "ArrowLeft", "ArrowRight", "ArrowUp",
    "ArrowDown", "Home", "End"];
export const MODES = ["NORMAL", "INSERT", "VISUAL", "EDIT"];

const KEY_EVENT_SIZE = 8;
const SUMMARY_SIZE = 20;
const LINE_RECORD_SIZE = 12;
const decoder = new TextDecoder();

// A key as the core numbers it: a character's code point, or NAMED_KEY plus
// the index of a named key; -1 for keys the core does not take.
export function keyCode(key) {
    const named = NAMED_KEYS.indexOf(key);
    if (named >= 0) return NAMED_KEY + named;
    return [...key].length === 1 ? key.codePointAt(0) : -1;
}

// Writes a frame's keys ([code, modifiers] pairs) as packed records into the
// buffer the core hands out, applies them all with one call, and reads the
// frame summary it returns.
export function applyKeys(wasm, core, keys) {
    const view = new DataView(wasm.memory.buffer, core.key_buffer(keys.length), keys.length * KEY_EVENT_SIZE);
    keys.forEach(([code, modifiers], i) => {
        view.setUint32(i * KEY_EVENT_SIZE, code, true);
        view.setUint8(i * KEY_EVENT_SIZE + 4, modifiers);
    });
    return readSummary(wasm, core.apply_keys(keys.length));
}

function readSummary(wasm, ptr) {
    const v = new DataView(wasm.memory.buffer, ptr, SUMMARY_SIZE);
    return {
        line: v.getUint32(0, true), column: v.getUint32(4, true), mode: v.getUint8(8),
        searching: v.getUint8(10), lineCount: v.getUint32(12, true), len: v.getUint32(16, true),
    };
}

// Lays out `rows` lines from line `top` and reads them through views:
// [{ number, text }]. Only these lines' bytes cross the boundary.
export function renderLines(wasm, core, top, rows) {
    const count = core.render(top, rows);
    // Views are made after render: laying out may have grown memory.
    const bytes = new Uint8Array(wasm.memory.buffer, core.render_bytes_ptr(), core.render_bytes_len());
    const table = new DataView(wasm.memory.buffer, core.line_table_ptr(), count * LINE_RECORD_SIZE);
    const lines = [];
    for (let i = 0; i < count; i++) {
        const offset = table.getUint32(i * LINE_RECORD_SIZE, true);
        const len = table.getUint32(i * LINE_RECORD_SIZE + 4, true);
        const number = table.getUint32(i * LINE_RECORD_SIZE + 8, true);
        lines.push({ number, text: decoder.decode(bytes.subarray(offset, offset + len)) });
    }
    return lines;
}

// A file's bytes are written once, into memory the core reserved, then
// handed over (the core refuses bytes that are not UTF-8 by throwing).
// `mark(phase)` is called as each phase ends, for the benchmark.
export function loadBytes(wasm, core, bytes, mark = () => {}) {
    const ptr = core.reserve_load(bytes.length);
    mark("reserve");
    new Uint8Array(wasm.memory.buffer, ptr, bytes.length).set(bytes);
    mark("write");
    core.finish_load();
    mark("index");
}
