// The mix benchmark: builds mix_bench (the core plus ropey) for WASM in
// release, runs page/bench.js in headless Chromium, and prints the spec's
// performance table with this machine's numbers beside the targets.
//
//   node mix/bench/run.mjs [--core reference|student] [--build scalar|simd128] [--markdown FILE] [--json FILE] [--readme]
//
// The default core is the reference where the course has its solutions, and
// the student's own in a student edition (no solutions/).
//
// A benchmark, not a test: it never fails on a slow number, only when the
// build, the browser or a correctness check fails.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { chromium, serve, until } from "../../grader/js/browser.mjs";

const here = fileURLToPath(new URL(".", import.meta.url));
const root = join(here, "../..");
const { values: options } = parseArgs({
    options: {
        core: { type: "string", default: existsSync(join(root, "solutions/mix/bench")) ? "reference" : "student" },
        // Measure this build even where the engine has SIMD (the page
        // otherwise picks simd128 where it validates).
        build: { type: "string" },
        markdown: { type: "string" },
        // Write the table into mix/README.md, between its bench markers.
        readme: { type: "boolean" },
        json: { type: "string" },
    },
});
if (options.build && !["scalar", "simd128"].includes(options.build)) {
    console.error(`--build must be scalar or simd128, not ${options.build}`);
    process.exit(2);
}
if (!["reference", "student"].includes(options.core)) {
    console.error(`--core must be reference (solutions/mix) or student (mix), not ${options.core}`);
    process.exit(2);
}

function step(command, args, env = {}) {
    const result = spawnSync(command, args, { cwd: root, stdio: "inherit", env: { ...process.env, ...env } });
    if (result.error || result.status !== 0) {
        console.error(`mix bench: \`${command} ${args.join(" ")}\` failed${result.error ? `: ${result.error.message}` : ""}`);
        process.exit(1);
    }
}

const target = process.env.CARGO_TARGET_DIR ?? join(root, "target");
const pkg = join(target, "mix-bench", options.core);
// The same source, built against the student's core (mix/bench) or the
// reference (solutions/mix/bench, a crate of the solutions' own workspace);
// and built twice, with and without WebAssembly SIMD: a module cannot test
// for SIMD itself, so the page picks the build its engine validates. The
// simd128 build has a target directory of its own, so that neither build
// makes cargo rebuild the other's dependencies for its flags.
const manifest = options.core === "student" ? "mix/bench/Cargo.toml" : "solutions/mix/bench/Cargo.toml";
for (const [build, dir, flags] of [["scalar", target, ""], ["simd128", join(target, "simd128"), "-C target-feature=+simd128"]]) {
    console.error(`building mix_bench (${options.core} core, ${build}, release, wasm32)…`);
    const rustflags = [process.env.RUSTFLAGS, flags].filter(Boolean).join(" ");
    step("cargo", ["build", "--quiet", "--release", "--target", "wasm32-unknown-unknown", "--manifest-path", manifest],
        { CARGO_TARGET_DIR: dir, RUSTFLAGS: rustflags });
    // The reference's library has a name of its own (see its Cargo.toml); the page imports either as mix_bench.
    const module = options.core === "student" ? "mix_bench.wasm" : "mix_bench_reference.wasm";
    step("wasm-bindgen", ["--target", "web", "--out-name", "mix_bench", "--out-dir", join(pkg, build),
        join(dir, "wasm32-unknown-unknown/release", module)]);
}

const server = await serve(join(here, "page"), {
    isolated: true,
    mounts: { "/pkg/": pkg, "/www/": join(root, "mix/www"), "/data/": join(root, "mix/tests/data") },
});
// A first load happens once per module, so it is measured in fresh pages,
// each a new module compiled from its bytes: FIRST_LOADS of them, then the
// page that measures everything else.
const FIRST_LOADS = 7;
let browser, results;
try {
    browser = await chromium();
    const measure = async (query) => {
        const build = options.build ? `build=${options.build}` : "";
        await browser.open(`${server.url}/index.html?${[query, build].filter(Boolean).join("&")}`);
        const outcome = await until("the benchmark to finish", () =>
            browser.script("return window.benchResults ? { results: window.benchResults } : window.benchError ? { error: window.benchError } : null"), 600);
        if (outcome.error) throw new Error(`the benchmark failed in the browser: ${outcome.error}`);
        return outcome.results;
    };
    console.error(`measuring in headless Chromium: ${FIRST_LOADS} first loads in fresh pages, then the rest…`);
    const firstLoads = [];
    for (let i = 0; i < FIRST_LOADS; i++) firstLoads.push(await measure("first-load"));
    results = await measure("");
    results.firstLoads = firstLoads;
} catch (error) {
    console.error(`mix bench: ${error.message}`);
    process.exitCode = 1;
} finally {
    await browser?.close();
    server.close();
}
if (!results) process.exit();

const ms = (x) => (x < 1 ? x.toFixed(3) : x < 10 ? x.toFixed(2) : x.toFixed(1));
const mb = (bytes) => (bytes / 1e6).toFixed(1);
const yes = (ok) => (ok ? "yes" : "**no**");
const size = results.size;
const memoryBound = 1.5 * size + 2e6;
const automerge = results.replay["automerge-paper"];
const blog = results.replay["seph-blog1"];
const phases = (p) =>
    `reserve ${ms(p.reserve)} ms, write ${ms(p.write)} ms, index ${ms(p.index)} ms, first frame ${ms(p.frame)} ms`;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const firstLoad = Object.fromEntries(["total", "reserve", "write", "index", "frame"].map((phase) =>
    [phase, median(results.firstLoads.map((page) => page.firstLoad[phase]))]));
const freshMemory = median(results.firstLoads.map((page) => page.freshMemory));
// Reloads: the main page's ten in a row, and two from each fresh page, so
// that one burst of load on a shared machine cannot make them all.
const reloads = [...results.loads, ...results.firstLoads.flatMap((page) => page.reloads)];
const reload = Object.fromEntries(["total", "reserve", "write", "index", "frame"].map((phase) =>
    [phase, median(reloads.map((l) => l[phase]))]));
const rows = [
    ["load a 10 MB file: the first, into a fresh module (memory grows)", "< 100 ms", "< 10 ms",
        `${ms(firstLoad.total)} ms median of ${results.firstLoads.length} fresh pages, ` +
            `max ${ms(Math.max(...results.firstLoads.map((page) => page.firstLoad.total)))} ms (${phases(firstLoad)}: ` +
            `each phase's median); ` +
            `first writes to 10 MB of fresh memory alone: ${ms(freshMemory)} ms`, yes(firstLoad.total < 10)],
    ["… loading it again (memory already grown)", "< 100 ms", "< 10 ms, and under the first",
        `${ms(reload.total)} ms median of ${reloads.length} (${results.loads.length} in a row, 2 in each fresh page), ` +
            `max ${ms(Math.max(...reloads.map((l) => l.total)))} ms (medians: ${phases(reload)})`,
        yes(reload.total < 10 && reload.total < firstLoad.total)],
    ["one keystroke in a 10 MB document: the core (key in, a screenful laid out)", "< 16 ms", "p99 < 0.1 ms",
        `p50 ${ms(results.keystrokeCore.p50)} ms, p99 ${ms(results.keystrokeCore.p99)} ms, max ${ms(results.keystrokeCore.max)} ms (${results.keystrokeCore.n} keys)`,
        yes(results.keystrokeCore.p99 < 0.1)],
    ["… and the page drawing it (screen.js: changed lines decoded, DOM rows updated)", "< 16 ms", "p99 < 0.1 ms",
        `p50 ${ms(results.keystroke.p50)} ms, p99 ${ms(results.keystroke.p99)} ms, max ${ms(results.keystroke.max)} ms (${results.keystroke.n} keys)`,
        yes(results.keystroke.p99 < 0.1)],
    ["jump to any line and render a screenful", "smooth scrolling", "< 1 ms",
        `p50 ${ms(results.jump.p50)} ms, p99 ${ms(results.jump.p99)} ms (${results.jump.n} jumps)`, yes(results.jump.p99 < 1)],
    ["memory with a 10 MB file open", "< 50 MB", `< 1.5 × file + 2 MB = ${mb(memoryBound)} MB`,
        `${mb(results.memoryAfterLoad)} MB (\`memory.buffer.byteLength\`; ${mb(results.memoryBefore)} MB before loading)`,
        yes(results.memoryAfterLoad < memoryBound)],
    ["replay automerge-paper (" + automerge.edits.toLocaleString("en") + " edits)", "—", "as fast as ropey",
        `mix ${ms(automerge.mix.p50)} ms, ropey ${ms(automerge.ropey.p50)} ms (medians of ${automerge.mix.n})`,
        yes(automerge.mix.p50 <= automerge.ropey.p50)],
    ["replay seph-blog1 (" + blog.edits.toLocaleString("en") + " edits), beyond the spec", "—", "—",
        `mix ${ms(blog.mix.p50)} ms, ropey ${ms(blog.ropey.p50)} ms`, "—"],
];
const header = ["measure", "mix's original target", "the reference must reach", `measured (${options.core} core)`, "meets"];
const chrome = results.userAgent.match(/Chrome\/[\d.]+/)?.[0] ?? results.userAgent;
const markdown = [
    `| ${header.join(" | ")} |`,
    `|${header.map(() => "---").join("|")}|`,
    ...rows.map((row) => `| ${row.join(" | ")} |`),
    "",
    `Release build (${results.build}; ${results.buildsCompared}), headless ${chrome}, ` +
        `${new Date().toISOString().slice(0, 10)}; timer resolution ` +
        `${results.crossOriginIsolated ? "5 µs (cross-origin isolated)" : "100 µs"}. Medians and p99 over ` +
        `the runs shown; the jump and the page's keystroke are drawn by the page's screen.js into DOM rows (the ` +
        `browser's style, layout and paint not included), the keystroke after 200 untimed warm-up keys.`,
].join("\n");
console.log(markdown);
if (options.markdown) writeFileSync(options.markdown, markdown + "\n");
if (options.readme) {
    const readme = join(root, "mix/README.md");
    const text = readFileSync(readme, "utf8");
    const [start, end] = ["<!-- bench:start (written by `node mix/bench/run.mjs --readme`) -->", "<!-- bench:end -->"];
    const [from, to] = [text.indexOf(start), text.indexOf(end)];
    if (options.core !== "reference" || from < 0 || to < from) {
        console.error(`mix bench: --readme writes the reference's table between the markers ${start} and ${end} of mix/README.md`);
        process.exitCode = 1;
    } else {
        writeFileSync(readme, `${text.slice(0, from + start.length)}\n\n${markdown}\n\n${text.slice(to)}`);
    }
}
if (options.json) writeFileSync(options.json, JSON.stringify({ core: options.core, ...results }, null, 2) + "\n");
