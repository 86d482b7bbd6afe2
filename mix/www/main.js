// The page: thin JavaScript around the core, built into www/pkg by
// `bash mix/www/build.sh mix` (yours) or `... solutions/mix` (the reference).
// Keys are batched per animation frame into packed records in the core's
// memory; the visible lines are read through views over that memory.
import init, { Core } from "./pkg/mix.js";
import { sample } from "./sample.js";

const NAMED_KEY = 0x110000;
const NAMED_KEYS = ["Escape", "Enter", "Backspace", "Delete", "Tab", "ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown", "Home", "End"];
const MODES = ["NORMAL", "INSERT", "VISUAL", "EDIT"];
const ROWS = 40;

const wasm = await init();
const core = new Core();
const screen = document.getElementById("screen");
const status = document.getElementById("status");
const decoder = new TextDecoder();

let pending = [];
let top = 0;
let summary = { line: 0, column: 0, mode: 0, lineCount: 1, len: 0, searching: 0 };
let frameMs = 0;

function keyCode(key) {
    const named = NAMED_KEYS.indexOf(key);
    if (named >= 0) return NAMED_KEY + named;
    return [...key].length === 1 ? key.codePointAt(0) : -1;
}

document.addEventListener("keydown", (event) => {
    if (event.metaKey || event.altKey || event.target.tagName === "INPUT") return;
    const code = keyCode(event.key);
    if (code < 0) return;
    event.preventDefault();
    if (pending.length === 0) requestAnimationFrame(applyFrame);
    pending.push([code, event.ctrlKey ? 1 : 0]);
});

// One call for the whole frame's keys, however many were pressed.
function applyFrame() {
    const start = performance.now();
    const count = pending.length;
    const ptr = core.key_buffer(count);
    const keys = new DataView(wasm.memory.buffer, ptr, count * 8);
    pending.forEach(([code, modifiers], i) => {
        keys.setUint32(i * 8, code, true);
        keys.setUint8(i * 8 + 4, modifiers);
    });
    pending = [];
    readSummary(core.apply_keys(count));
    draw();
    frameMs = performance.now() - start;
    showStatus();
}

function readSummary(ptr) {
    const v = new DataView(wasm.memory.buffer, ptr, 20);
    summary = {
        line: v.getUint32(0, true), column: v.getUint32(4, true), mode: v.getUint8(8),
        searching: v.getUint8(10), lineCount: v.getUint32(12, true), len: v.getUint32(16, true),
    };
}

// Only the visible rows cross the boundary, as bytes plus a line table.
function draw() {
    if (summary.line < top) top = summary.line;
    if (summary.line >= top + ROWS) top = summary.line - ROWS + 1;
    const count = core.render(top, ROWS);
    // Views are made after render: laying out may have grown memory.
    const bytes = new Uint8Array(wasm.memory.buffer, core.render_bytes_ptr(), core.render_bytes_len());
    const table = new DataView(wasm.memory.buffer, core.line_table_ptr(), count * 12);
    const lines = [];
    for (let i = 0; i < count; i++) {
        const offset = table.getUint32(i * 12, true);
        const len = table.getUint32(i * 12 + 4, true);
        const number = table.getUint32(i * 12 + 8, true);
        const text = decoder.decode(bytes.subarray(offset, offset + len));
        lines.push(renderLine(number, text));
    }
    screen.replaceChildren(...lines);
}

function renderLine(number, text) {
    const line = document.createElement("div");
    const gutter = document.createElement("span");
    gutter.className = "number";
    gutter.textContent = number + 1;
    line.append(gutter);
    if (number !== summary.line) {
        line.append(text);
        return line;
    }
    const chars = [...text];
    const cursor = document.createElement("span");
    cursor.className = "cursor";
    cursor.textContent = chars[summary.column] ?? " ";
    line.append(chars.slice(0, summary.column).join(""), cursor, chars.slice(summary.column + 1).join(""));
    return line;
}

function showStatus() {
    const size = summary.len >= 1e6 ? `${(summary.len / 1e6).toFixed(1)} MB` : `${summary.len} B`;
    status.textContent = `${MODES[summary.mode]}  ${summary.line + 1}:${summary.column + 1}  ${size}  ` +
        `${summary.lineCount} lines  frame ${frameMs.toFixed(2)} ms`;
}

// A file is written once into memory the core reserved, then handed over.
function load(bytes) {
    const start = performance.now();
    const ptr = core.reserve_load(bytes.length);
    new Uint8Array(wasm.memory.buffer, ptr, bytes.length).set(bytes);
    try {
        core.finish_load();
    } catch (error) {
        status.textContent = `cannot open: ${error.message}`;
        return;
    }
    top = 0;
    readSummary(core.apply_keys(0));
    draw();
    frameMs = performance.now() - start;
    showStatus();
}

document.getElementById("file").addEventListener("change", async (event) => {
    const file = event.target.files[0];
    if (file) load(new Uint8Array(await file.arrayBuffer()));
    screen.focus();
});
screen.addEventListener("dragover", (event) => { event.preventDefault(); document.body.classList.add("dragging"); });
screen.addEventListener("dragleave", () => document.body.classList.remove("dragging"));
screen.addEventListener("drop", async (event) => {
    event.preventDefault();
    document.body.classList.remove("dragging");
    const file = event.dataTransfer.files[0];
    if (file) load(new Uint8Array(await file.arrayBuffer()));
});
document.getElementById("sample").addEventListener("click", () => {
    load(sample());
    screen.focus();
});

load(new TextEncoder().encode("Welcome to mix.\nPress i to type, Escape to stop, / to search.\n"));
screen.focus();
