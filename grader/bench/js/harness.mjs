// Runs every kernel of the lesson's table in JavaScript and in each WASM
// build, in whatever engine imports it (Node.js or a browser). Before
// anything is timed, each build's result is compared with JavaScript's; a
// kernel that disagrees is refused, never timed. Then warm-up runs, then
// `runs` timed runs; each row reports the median and the spread.
import * as js from "./kernels.mjs";

const now = () => performance.now();

export const SIZES = {
    full: { fib: 40, matrix: 1000, width: 3840, height: 2160, jsonRecords: 200_000 },
    quick: { fib: 20, matrix: 48, width: 64, height: 36, jsonRecords: 500 },
};

function stats(samples) {
    const sorted = [...samples].sort((a, b) => a - b);
    return { median: sorted[Math.floor(sorted.length / 2)], min: sorted[0], max: sorted[sorted.length - 1], runs: sorted.length };
}

// A repeatable pseudo-random generator, so JS and WASM get the same inputs.
function random(seed) {
    let state = seed >>> 0;
    return () => {
        state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
        return state / 2 ** 32;
    };
}

function sameBytes(a, b) {
    if (a.length !== b.length) return `lengths ${a.length} and ${b.length}`;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return `byte ${i}: ${a[i]} and ${b[i]}`;
    return null;
}

function closeNumbers(a, b) {
    if (a.length !== b.length) return `lengths ${a.length} and ${b.length}`;
    for (let i = 0; i < a.length; i++) {
        if (Math.abs(a[i] - b[i]) > 1e-9 * Math.max(1, Math.abs(a[i]))) return `element ${i}: ${a[i]} and ${b[i]}`;
    }
    return null;
}

function jsonDocument(records) {
    const next = random(7);
    const items = [];
    for (let i = 0; i < records; i++) {
        items.push({ id: i, name: `item ${i}`, tags: ["a", "b", "c"].slice(0, 1 + (i % 3)), score: Math.floor(next() * 1000), nested: { x: i % 17, y: [1, 2, i % 5] }, active: i % 2 === 0 });
    }
    return JSON.stringify({ items, count: records });
}

// One kernel per row: `prepare` sets up the inputs in JS and in a WASM
// module and returns closures computing the result (untimed) and running
// the timed work.
const KERNELS = [
    {
        name: "fib", row: "Fibonacci(40)", prepare(wasm, size) {
            return {
                js: () => js.fib(size.fib),
                wasm: () => wasm.fib(size.fib),
                result: (f) => f(),
                compare: (a, b) => (a === b ? null : `${a} and ${b}`),
                label: `fib(${size.fib})`,
            };
        },
    },
    {
        name: "matrix", row: "Matrix 1000x1000", prepare(wasm, size, memory) {
            const n = size.matrix, next = random(1);
            const a = Float64Array.from({ length: n * n }, next), b = Float64Array.from({ length: n * n }, next), c = new Float64Array(n * n);
            const m = new wasm.Matrices(n);
            new Float64Array(memory().buffer, m.a_ptr(), n * n).set(a);
            new Float64Array(memory().buffer, m.b_ptr(), n * n).set(b);
            return {
                js: () => { js.multiply(a, b, c, n); return c; },
                wasm: () => { m.multiply(); return new Float64Array(memory().buffer, m.c_ptr(), n * n); },
                result: (f) => Float64Array.from(f()),
                compare: closeNumbers,
                label: `${n}×${n} f64`,
                free: () => m.free(),
            };
        },
    },
    {
        name: "blur", row: "Image blur 4K", prepare(wasm, size, memory) {
            const { width: w, height: h } = size, next = random(2);
            const pixels = Uint8Array.from({ length: w * h * 4 }, () => (next() * 256) | 0), blurred = new Uint8Array(w * h * 4);
            const image = new wasm.Image(w, h);
            new Uint8Array(memory().buffer, image.pixels_ptr(), w * h * 4).set(pixels);
            return {
                js: () => { js.blur(pixels, blurred, w, h); return blurred; },
                wasm: () => { image.blur(); return new Uint8Array(memory().buffer, image.blurred_ptr(), w * h * 4); },
                result: (f) => Uint8Array.from(f()),
                compare: sameBytes,
                label: `${w}×${h} RGBA, 3×3 box`,
                free: () => image.free(),
            };
        },
    },
    {
        name: "json", row: "JSON parse (large)", prepare(wasm, size) {
            const text = jsonDocument(size.jsonRecords);
            return {
                js: () => js.parseJson(text),
                wasm: () => wasm.parse_json(text),
                result: (f) => f(),
                compare: (a, b) => (a === b ? null : `checksums ${a} and ${b}`),
                label: `${(text.length / 1e6).toFixed(1)} MB, copied in`,
            };
        },
    },
    {
        name: "grayscale", row: "Grayscale 4K, in place (views)", prepare(wasm, size, memory) {
            const { width: w, height: h } = size, next = random(3);
            const frame = Uint8Array.from({ length: w * h * 4 }, () => (next() * 256) | 0);
            const work = Uint8Array.from(frame);
            const image = new wasm.Image(w, h);
            const view = () => new Uint8Array(memory().buffer, image.pixels_ptr(), w * h * 4);
            return {
                // Both start every run from the same frame; the reset is not timed.
                reset: () => { work.set(frame); view().set(frame); },
                js: () => { js.grayscale(work); return work; },
                wasm: () => { image.grayscale(); return view(); },
                result: (f) => Uint8Array.from(f()),
                compare: sameBytes,
                label: `${w}×${h} RGBA`,
                free: () => image.free(),
            };
        },
    },
    {
        name: "grayscale_copied", row: "Grayscale 4K, copied in and out", prepare(wasm, size) {
            const { width: w, height: h } = size, next = random(3);
            const frame = Uint8Array.from({ length: w * h * 4 }, () => (next() * 256) | 0);
            const work = Uint8Array.from(frame);
            return {
                reset: () => work.set(frame),
                js: () => { js.grayscale(work); return work; },
                wasm: () => wasm.grayscale_copied(frame),
                result: (f) => Uint8Array.from(f()),
                compare: sameBytes,
                label: `${w}×${h} RGBA, Vec in, Vec out`,
            };
        },
    },
];

function time(run, reset, warmup, runs) {
    const samples = [];
    for (let i = 0; i < warmup + runs; i++) {
        reset?.();
        const start = now();
        run();
        if (i >= warmup) samples.push(now() - start);
    }
    return stats(samples);
}

// builds: [{ name, module, memory }]; `broken` names a kernel whose WASM
// result is deliberately altered, to show that the check refuses it.
export async function runBenchmarks({ builds, quick = false, warmup = 1, runs = 5, broken = null, log = () => {} }) {
    const size = quick ? SIZES.quick : SIZES.full;
    const rows = [];
    for (const kernel of KERNELS) {
        const row = { kernel: kernel.name, row: kernel.row, builds: {} };
        const prepared = builds.map((build) => ({ build, bench: kernel.prepare(build.module, size, build.memory) }));
        row.label = prepared[0].bench.label;
        const first = prepared[0].bench;
        first.reset?.();
        const expected = first.result(first.js);
        for (const { build, bench } of prepared) {
            bench.reset?.();
            let got = bench.result(bench.wasm);
            if (broken === kernel.name) got = typeof got === "number" ? got + 1 : Object.assign(got.slice(), { 0: got[0] + 1 });
            const difference = bench.compare(expected, got);
            if (difference) row.refused ??= `${build.name} disagrees with JavaScript (${difference}): not timed`;
        }
        if (!row.refused) {
            log(`${kernel.name}: timing JavaScript`);
            row.js = time(first.js, first.reset, warmup, runs);
            for (const { build, bench } of prepared) {
                log(`${kernel.name}: timing ${build.name}`);
                row.builds[build.name] = time(bench.wasm, bench.reset, warmup, runs);
            }
        }
        for (const { bench } of prepared) bench.free?.();
        rows.push(row);
    }
    return { sizes: size, quick, runs, warmup, rows };
}
