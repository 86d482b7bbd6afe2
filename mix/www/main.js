// The page: thin JavaScript around the core, built into www/pkg by
// `bash mix/www/build.sh mix` (yours) or `... solutions/mix` (the reference).
// Keys are batched per animation frame into packed records in the core's
// memory; the visible lines are read through views over that memory.
import init, { Core } from "./pkg/mix.js";
import { applyKeys, keyCode, loadBytes, MODES, renderLines } from "./frame.js";
import { sample } from "./sample.js";

const ROWS = 40;

const wasm = await init();
const core = new Core();
const screen = document.getElementById("screen");
const status = document.getElementById("status");

let pending = [];
let top = 0;
let summary = { line: 0, column: 0, mode: 0, lineCount: 1, len: 0, searching: 0 };
let frameMs = 0;

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
    summary = applyKeys(wasm, core, pending);
    pending = [];
    draw();
    frameMs = performance.now() - start;
    showStatus();
}

// Only the visible rows cross the boundary, as bytes plus a line table.
function draw() {
    if (summary.line < top) top = summary.line;
    if (summary.line >= top + ROWS) top = summary.line - ROWS + 1;
    screen.replaceChildren(...renderLines(wasm, core, top, ROWS).map(({ number, text }) => renderLine(number, text)));
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

function load(bytes) {
    const start = performance.now();
    try {
        loadBytes(wasm, core, bytes);
    } catch (error) {
        status.textContent = `cannot open: ${error.message}`;
        return;
    }
    top = 0;
    summary = applyKeys(wasm, core, []);
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
