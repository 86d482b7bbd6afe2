// The page: thin JavaScript around the core, built into www/pkg by
// `bash mix/www/build.sh mix` (yours) or `... solutions/mix` (the reference).
// Keys are batched per animation frame into packed records in the core's
// memory; the visible lines are read through views over that memory and
// drawn by screen.js.
import init, { Core } from "./pkg/mix.js";
import { applyKeys, keyCode, loadBytes, MODES, readSummary } from "./frame.js";
import { sample } from "./sample.js";
import { Screen } from "./screen.js";

const WELCOME = "Welcome to mix.\n" +
    "Press i to type, Escape to stop, / to search; or Ctrl+M for plain typing, no modes.\n" +
    "Ctrl+S saves. Click to move the cursor; the wheel scrolls.\n";

const wasm = await init();
const core = new Core();
const element = document.getElementById("screen");
const screen = new Screen(element);
const status = document.getElementById("status");
const modeButton = document.getElementById("mode");

let pending = [];
let scheduled = false;
// Whether the next frame scrolls the cursor into view: after keys, a click
// or a resize, but not after the wheel, which moves the view alone.
let follow = true;
let top = 0;
let rows = 1;
let rowHeight = 1;
let wheel = 0;
let modal = true;
let fileName = "welcome.txt";
let notice = "";
let summary = { line: 0, column: 0, mode: 0, lineCount: 1, len: 0, searching: 0 };
let frameMs = 0;

function schedule() {
    if (!scheduled) requestAnimationFrame(frame);
    scheduled = true;
}

// One call for the whole frame's keys, however many were pressed, then one
// draw.
function frame() {
    scheduled = false;
    const start = performance.now();
    applyPending();
    if (follow) {
        if (summary.line < top) top = summary.line;
        if (summary.line >= top + rows) top = summary.line - rows + 1;
        follow = false;
    }
    screen.draw(wasm, core, top, rows, summary);
    frameMs = performance.now() - start;
    showStatus();
}

// Keys not yet applied go in before anything that must come after them (a
// switch of mode, a click, a save).
function applyPending() {
    if (pending.length === 0) return;
    summary = applyKeys(wasm, core, pending);
    pending = [];
    notice = "";
    follow = true;
}

function showStatus() {
    const size = summary.len >= 1e6 ? `${(summary.len / 1e6).toFixed(1)} MB` : `${summary.len} B`;
    status.textContent = `${MODES[summary.mode]}  ${summary.line + 1}:${summary.column + 1}  ${fileName}  ${size}  ` +
        `${summary.lineCount} lines  frame ${frameMs.toFixed(2)} ms${notice && `  ${notice}`}`;
}

document.addEventListener("keydown", (event) => {
    if (event.ctrlKey && !event.altKey && !event.metaKey && ["m", "s"].includes(event.key.toLowerCase())) {
        event.preventDefault();
        if (event.key.toLowerCase() === "m") switchMode();
        else save();
        return;
    }
    // Keys typed into the header's controls are theirs (Tab moves between
    // them, Enter presses a button); everywhere else they edit.
    if (event.metaKey || event.altKey || (event.target !== element && event.target !== document.body)) return;
    const code = keyCode(event.key);
    if (code < 0) return;
    event.preventDefault();
    pending.push([code, event.ctrlKey ? 1 : 0]);
    schedule();
});

// Vim-style (Normal, Insert and Visual mode) or plain typing (Edit mode).
function switchMode() {
    applyPending();
    modal = !modal;
    summary = readSummary(wasm, core.set_modal(modal));
    showMode();
    schedule();
}

// The button is pressed in plain typing; the status line names the mode.
function showMode() {
    modeButton.setAttribute("aria-pressed", String(!modal));
}

modeButton.addEventListener("click", () => {
    switchMode();
    element.focus();
});

// The text as it is now, downloaded under the name it was opened with.
function save() {
    applyPending();
    const url = URL.createObjectURL(new Blob([core.text()], { type: "text/plain;charset=utf-8" }));
    const link = document.createElement("a");
    link.href = url;
    link.download = fileName;
    link.click();
    // The download reads the Blob after this handler returns; revoking the
    // URL at once could cut it off.
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
    notice = `saved ${fileName}`;
    showStatus();
}

document.getElementById("save").addEventListener("click", () => {
    save();
    element.focus();
});

// As many rows as fit the screen's height, again whenever it changes.
function fitRows() {
    const style = getComputedStyle(element);
    rowHeight = parseFloat(style.lineHeight);
    const height = element.clientHeight - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom);
    rows = Math.max(1, Math.floor(height / rowHeight));
    follow = true;
    schedule();
}
new ResizeObserver(fitRows).observe(element);
fitRows();

element.addEventListener("mousedown", (event) => {
    if (event.button !== 0) return;
    // Keeps the focus on the screen and no browser selection starting.
    event.preventDefault();
    element.focus();
    applyPending();
    const { line, column } = screen.positionAt(event.clientX, event.clientY);
    summary = readSummary(wasm, core.set_cursor(line, column));
    follow = true;
    schedule();
});

// The wheel moves the view, not the cursor, in whole lines; the next key
// brings the cursor back into view.
element.addEventListener("wheel", (event) => {
    event.preventDefault();
    const perLine = [rowHeight, 1, rows * rowHeight][event.deltaMode];
    wheel += event.deltaY / perLine;
    const lines = Math.trunc(wheel);
    if (lines === 0) return;
    wheel -= lines;
    top = Math.min(Math.max(0, top + lines), Math.max(0, summary.lineCount - rows));
    schedule();
}, { passive: false });

function load(bytes, name) {
    const start = performance.now();
    try {
        loadBytes(wasm, core, bytes);
    } catch (error) {
        status.textContent = `cannot open ${name}: ${error.message}`;
        return;
    }
    pending = [];
    fileName = name;
    notice = "";
    top = 0;
    // A new document starts in Normal mode: keep the way of working chosen.
    summary = readSummary(wasm, core.set_modal(modal));
    screen.draw(wasm, core, top, rows, summary);
    frameMs = performance.now() - start;
    showStatus();
}

async function open(file) {
    if (file) load(new Uint8Array(await file.arrayBuffer()), file.name);
    element.focus();
}

document.getElementById("file").addEventListener("change", (event) => open(event.target.files[0]));
element.addEventListener("dragover", (event) => { event.preventDefault(); document.body.classList.add("dragging"); });
element.addEventListener("dragleave", () => document.body.classList.remove("dragging"));
element.addEventListener("drop", (event) => {
    event.preventDefault();
    document.body.classList.remove("dragging");
    open(event.dataTransfer.files[0]);
});
document.getElementById("sample").addEventListener("click", () => {
    load(sample(), "sample-10MB.txt");
    element.focus();
});

load(new TextEncoder().encode(WELCOME), "welcome.txt");
element.focus();
