// The mix benchmark, in the browser: each row of the spec's performance
// table, measured through the same frame interface the page uses (main.js).
// run.mjs serves this page cross-origin isolated (5 µs timer resolution),
// reads window.benchResults and prints the table.
// WebAssembly cannot test for a feature inside a module — one SIMD
// instruction makes a whole module invalid on an engine without them — so
// run.mjs builds the core twice and the page picks: the simd128 build where
// the engine validates this module (a function returning i8x16.splat of 0),
// the scalar build otherwise.
const SIMD_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 8, 1, 6, 0, 65, 0,
    253, 15, 11]);
const BUILD = new URLSearchParams(location.search).get("build") ?? (WebAssembly.validate(SIMD_PROBE) ? "simd128" : "scalar");
const { default: init, Core, Trace } = await import(`/pkg/${BUILD}/mix_bench.js`);
// Compiled from its bytes, so that no code cached by an earlier page run
// makes a "fresh" module faster than a first visit's.
const instantiate = async (build) => {
    const module = await import(`/pkg/${build}/mix_bench.js`);
    const wasm = await module.default({ module_or_path: await (await fetch(`/pkg/${build}/mix_bench_bg.wasm`)).arrayBuffer() });
    return { module, wasm };
};
import { applyKeys, keyCode, loadBytes } from "/www/frame.js";
import { sample } from "/www/sample.js";
import { Screen } from "/www/screen.js";

const ROWS = 40;
const SIZE = 10_000_000;
const ESCAPE = keyCode("Escape"), ENTER = keyCode("Enter"), BACKSPACE = keyCode("Backspace");
const now = () => performance.now();
const log = (line) => { document.getElementById("log").textContent += `\n${line}`; };

function stats(samples) {
    const sorted = [...samples].sort((a, b) => a - b);
    const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
    return { n: sorted.length, min: sorted[0], p50: at(0.5), p99: at(0.99), max: sorted[sorted.length - 1] };
}

// The page's work per frame (main.js, through the same frame.js and
// screen.js): keys in through a packed record array, the summary out, then a
// screenful of lines laid out and, unless `draw` is false, drawn into the
// rows of a real element by the page's own drawing code.
const screen = new Screen(document.body.appendChild(document.createElement("pre")));
function frame(wasm, core, codes, draw = true) {
    const summary = applyKeys(wasm, core, codes.map((code) => [code, 0]));
    const top = Math.max(0, summary.line - ROWS / 2);
    if (draw) screen.draw(wasm, core, top, ROWS, summary);
    else core.render(top, ROWS);
}

// A load as the page does it, timed phase by phase: so that a slow load
// says whether the time went on growing memory, copying, indexing or the
// first frame.
function load(wasm, core, bytes) {
    const times = { start: now() };
    loadBytes(wasm, core, bytes, (phase) => { times[phase] = now(); });
    frame(wasm, core, []);
    const end = now();
    return {
        total: end - times.start, reserve: times.reserve - times.start, write: times.write - times.reserve,
        index: times.index - times.write, frame: end - times.index,
    };
}

// A sample whose middle line says MIDDL instead of quick (same length), so
// a search puts the cursor in the middle of the document.
function markedSample() {
    const bytes = sample(SIZE);
    const lineLength = bytes.indexOf(10) + 1;
    const middle = Math.floor(bytes.length / lineLength / 2) * lineLength;
    bytes.set(new TextEncoder().encode("MIDDL"), middle + 4);
    return bytes;
}

async function loadTrace(name) {
    const response = await fetch(`/data/${name}.json.gz`);
    if (!response.ok) throw new Error(`cannot fetch the trace ${name}: ${response.status}`);
    const trace = await new Response(response.body.pipeThrough(new DecompressionStream("gzip"))).json();
    const edits = [];
    const inserted = [];
    const encoder = new TextEncoder();
    for (const txn of trace.txns) {
        for (const [position, deleted, text = ""] of txn.patches) {
            edits.push(position, deleted, encoder.encode(text).length);
            inserted.push(text);
        }
    }
    return { trace, edits: Uint32Array.from(edits), inserted: inserted.join("") };
}

async function replay(name, runs) {
    const { trace, edits, inserted } = await loadTrace(name);
    const replayer = new Trace(trace.startContent, edits, inserted);
    const mix = [], ropey = [];
    for (let run = 0; run < runs; run++) {
        // Alternated, so drift in the machine's speed affects both alike.
        let start = now();
        replayer.replay_mix();
        mix.push(now() - start);
        start = now();
        replayer.replay_ropey();
        ropey.push(now() - start);
    }
    if (replayer.mix_text() !== trace.endContent) throw new Error(`mix replays ${name} to the wrong text`);
    if (replayer.ropey_text() !== trace.endContent) throw new Error(`ropey replays ${name} to the wrong text`);
    replayer.free();
    return { edits: edits.length / 3, mix: stats(mix), ropey: stats(ropey) };
}

// What this machine charges for memory nobody has touched yet: one write to
// each 4 KiB page of a new 10 MB WebAssembly.Memory. A first load must put
// the file into as much fresh memory, so this is the floor under it.
function freshMemoryFloor() {
    const memory = new WebAssembly.Memory({ initial: Math.ceil(SIZE / 65536) });
    const view = new Uint8Array(memory.buffer);
    const start = now();
    for (let i = 0; i < view.length; i += 4096) view[i] = 1;
    return now() - start;
}

// ?first-load: this page only loads the sample into its fresh module, then
// again: once untimed (the old document is still held while the new one is
// reserved, so memory grows once more), then twice timed. run.mjs opens it
// several times, for a median of first loads and reloads spread over time.
async function firstLoadOnly() {
    const { wasm } = await instantiate(BUILD);
    const bytes = markedSample();
    const core = new Core();
    const memoryBefore = wasm.memory.buffer.byteLength;
    const firstLoad = load(wasm, core, bytes);
    const memoryAfterLoad = wasm.memory.buffer.byteLength;
    load(wasm, core, bytes);
    const reloads = [load(wasm, core, bytes), load(wasm, core, bytes)];
    return { build: BUILD, firstLoad, reloads, memoryBefore, memoryAfterLoad, freshMemory: freshMemoryFloor() };
}

// Both builds of the core must index every text alike: the sample, texts of
// every length around the 16-byte vector and the index's 4096-byte blocks,
// with multi-byte characters and newlines at every position, and broken
// copies (compared: the offset where each stops being UTF-8). And both
// replay each trace to its end text.
async function compareBuilds(sampleBytes, traces) {
    if (!WebAssembly.validate(SIMD_PROBE)) return "only the scalar build runs on this engine";
    const builds = await Promise.all(["scalar", "simd128"].map(instantiate));
    const pieces = ["a", "\n", "é", "✓", "😀", "\r\n", "word "].map((piece) => new TextEncoder().encode(piece));
    let seed = 7;
    const random = (n) => { seed = (seed * 1103515245 + 12345) % 2 ** 31; return seed % n; };
    const texts = [sampleBytes];
    for (const length of [...Array(80).keys(), 4080, 4095, 4096, 4097, 4111, 8191, 8192, 8193, 20000]) {
        const bytes = [];
        while (bytes.length < length) bytes.push(...pieces[random(pieces.length)]);
        texts.push(Uint8Array.from(bytes));
        if (bytes.length > 0) {
            for (let copy = 0; copy < 3; copy++) {
                const broken = Uint8Array.from(bytes);
                broken[random(broken.length)] = random(256);
                texts.push(broken);
            }
        }
    }
    for (const text of texts) {
        const [scalar, simd] = builds.map(({ module }) => module.index_summary(text));
        if (scalar.length !== simd.length || scalar.some((x, i) => x !== simd[i])) {
            throw new Error(`the scalar and simd128 builds index a ${text.length}-byte text differently`);
        }
    }
    for (const [name, { trace, edits, inserted }] of traces) {
        for (const { module } of builds) {
            const replayer = new module.Trace(trace.startContent, edits, inserted);
            replayer.replay_mix();
            if (replayer.mix_text() !== trace.endContent) throw new Error(`a build replays ${name} to the wrong text`);
            replayer.free();
        }
    }
    return `${texts.length} texts and ${traces.size} traces indexed and replayed alike by both builds`;
}

async function run() {
    const wasm = await init();
    const results = { build: BUILD, crossOriginIsolated, userAgent: navigator.userAgent, size: SIZE };
    const bytes = markedSample();
    results.size = bytes.length;

    // Memory: one 10 MB file open in a fresh module, nothing else done yet.
    const core = new Core();
    results.memoryBefore = wasm.memory.buffer.byteLength;
    results.firstLoad = load(wasm, core, bytes);
    results.memoryAfterLoad = wasm.memory.buffer.byteLength;
    log(`memory after load: ${results.memoryAfterLoad}`);

    // Load: write the bytes into the core's memory, index them, first frame.
    const loads = Array.from({ length: 10 }, () => load(wasm, core, bytes));
    results.loads = loads;
    results.load = stats(loads.map((l) => l.total));
    results.loadPhases = Object.fromEntries(
        ["reserve", "write", "index", "frame"].map((phase) => [phase, stats(loads.map((l) => l[phase])).p50]));
    log(`load p50 ${results.load.p50} ms`);

    // Keystrokes in the middle of the document: each is one frame.
    let start = now();
    frame(wasm, core, [..."/MIDDL"].map((c) => c.codePointAt(0)).concat(ENTER));
    results.search = now() - start;
    if (!screen.element.textContent.includes("MIDDL")) throw new Error("search did not reach the middle line");
    frame(wasm, core, ["i".codePointAt(0)]);
    const typed = "typing into the middle of ten megabytes ";
    // Three passes. The first 200 keys, drawn, warm up: the engine runs the
    // page's JavaScript and the core's WebAssembly in baseline code until it
    // has optimised them (a few of the first keys take milliseconds), so they are
    // reported apart (keystrokeWarmUp). Then the whole frame as the page runs
    // it, and the core's part alone (keys in, a screenful laid out) without
    // drawing it: both measured warm, neither paying for the other's warm-up.
    const passes = [["keystrokeWarmUp", true, 200], ["keystroke", true, 2000], ["keystrokeCore", false, 2000]];
    for (const [name, draw, keys] of passes) {
        const times = [];
        for (let i = 0; i < keys; i++) {
            const code = i % 50 === 49 ? ENTER : i % 20 === 19 ? BACKSPACE : typed.codePointAt(i % typed.length);
            start = now();
            frame(wasm, core, [code], draw);
            times.push(now() - start);
        }
        results[name] = stats(times);
    }
    frame(wasm, core, [ESCAPE]);
    log(`keystroke p99 ${results.keystroke.p99} ms`);

    // Jump anywhere and draw a screenful, as the page draws it.
    const cursor = applyKeys(wasm, core, []);
    const { lineCount } = cursor;
    let seed = 12345;
    const jumps = [];
    for (let i = 0; i < 2000; i++) {
        seed = (seed * 1103515245 + 12345) % 2 ** 31;
        const line = seed % lineCount;
        start = now();
        const drawn = screen.draw(wasm, core, line, ROWS, cursor);
        jumps.push(now() - start);
        if (drawn === 0) throw new Error(`nothing drawn at line ${line}`);
    }
    results.jump = stats(jumps);
    results.lineCount = lineCount;
    core.free();

    results.replay = {};
    for (const name of ["automerge-paper", "seph-blog1"]) {
        results.replay[name] = await replay(name, 7);
        log(`${name}: mix ${results.replay[name].mix.p50} ms, ropey ${results.replay[name].ropey.p50} ms`);
    }
    results.memoryAtEnd = wasm.memory.buffer.byteLength;
    const traces = new Map();
    for (const name of ["automerge-paper", "seph-blog1"]) traces.set(name, await loadTrace(name));
    results.buildsCompared = await compareBuilds(bytes, traces);
    log(results.buildsCompared);
    return results;
}

(new URLSearchParams(location.search).has("first-load") ? firstLoadOnly() : run()).then(
    (results) => { window.benchResults = results; log("done"); },
    (error) => { window.benchError = String(error?.stack ?? error); log(`error: ${window.benchError}`); },
);
