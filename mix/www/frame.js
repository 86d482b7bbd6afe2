// The frame interface as JavaScript sees it — the one place that knows the
// layout of the core's packed records (src/lib.rs: KeyEvent, FrameSummary,
// LineRecord). The page (main.js) and the benchmark (mix/bench) both use it,
// so the benchmark times the page's own code.

export const NAMED_KEY = 0x110000;
export const NAMED_KEYS = ["Escape", "Enter", "Backspace", "Delete", "Tab", "ArrowLeft", "ArrowRight", "ArrowUp",
    "ArrowDown", "Home", "End"];
export const MODES = ["NORMAL", "INSERT", "VISUAL", "EDIT"];

const KEY_EVENT_SIZE = 8;
const LINE_RECORD_SIZE = 12;

// A key as the core numbers it: a character's code point, or NAMED_KEY plus
// the index of a named key; -1 for keys the core does not take.
export function keyCode(key) {
    const named = NAMED_KEYS.indexOf(key);
    if (named >= 0) return NAMED_KEY + named;
    return [...key].length === 1 ? key.codePointAt(0) : -1;
}

// One Uint8Array and one DataView over the whole of memory, addressed with
// the core's pointers, rather than new views every frame: made again only
// when memory has grown, which detaches the buffer they were made on. Call
// it after any call into the core that may allocate.
const memory = { bytes: null, data: null };
function views(wasm) {
    if (memory.bytes?.buffer !== wasm.memory.buffer) {
        memory.bytes = new Uint8Array(wasm.memory.buffer);
        memory.data = new DataView(wasm.memory.buffer);
    }
    return memory;
}

// Writes a frame's keys ([code, modifiers] pairs) as packed records into the
// buffer the core hands out, applies them all with one call, and reads the
// frame summary it returns.
export function applyKeys(wasm, core, keys) {
    const ptr = core.key_buffer(keys.length);
    const { data } = views(wasm);
    for (let i = 0; i < keys.length; i++) {
        data.setUint32(ptr + i * KEY_EVENT_SIZE, keys[i][0], true);
        data.setUint8(ptr + i * KEY_EVENT_SIZE + 4, keys[i][1]);
    }
    return readSummary(wasm, core.apply_keys(keys.length));
}

// The frame summary at `ptr`, as apply_keys, set_cursor and set_modal return it.
export function readSummary(wasm, ptr) {
    const { data } = views(wasm);
    return {
        line: data.getUint32(ptr, true), column: data.getUint32(ptr + 4, true), mode: data.getUint8(ptr + 8),
        searching: data.getUint8(ptr + 10), lineCount: data.getUint32(ptr + 12, true), len: data.getUint32(ptr + 16, true),
    };
}

// Lays out `rows` lines from line `top` into the core's render area and
// returns a reader of it: `count` lines, line i's bytes at
// `bytes[start(i) .. start(i) + length(i)]` and its number in the document.
// Only these lines' bytes cross the boundary, and nothing is decoded here:
// the page decides which lines it needs as strings. The reader is one
// object, refilled by every call.
export function layOut(wasm, core, top, rows) {
    area.count = core.render(top, rows);
    // After render: laying out may have grown memory and moved the area.
    area.bytes = views(wasm).bytes;
    area.base = core.render_bytes_ptr();
    area.table = core.line_table_ptr();
    return area;
}

const area = {
    count: 0, bytes: null, base: 0, table: 0,
    start(i) { return this.base + memory.data.getUint32(this.table + i * LINE_RECORD_SIZE, true); },
    length(i) { return memory.data.getUint32(this.table + i * LINE_RECORD_SIZE + 4, true); },
    number(i) { return memory.data.getUint32(this.table + i * LINE_RECORD_SIZE + 8, true); },
};

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
