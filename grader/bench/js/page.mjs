// Runs the benchmark in the browser; chrome.mjs serves this page and reads
// window.benchResults. ?quick and ?broken=KERNEL as for node.mjs.
import { runBenchmarks } from "./harness.mjs";

const params = new URLSearchParams(location.search);
const log = (line) => { document.getElementById("log").textContent += `\n${line}`; };

async function load(name, prefix) {
    const glue = await import(`${prefix}/lesson_bench.js`);
    const exports = await glue.default({ module_or_path: `${prefix}/lesson_bench_bg.wasm` });
    return { name, module: glue, memory: () => exports.memory };
}

try {
    const builds = [await load("wasm", "/plain"), await load("wasm+simd128", "/simd")];
    const results = await runBenchmarks({ builds, quick: params.has("quick"), broken: params.get("broken"), log });
    const chrome = navigator.userAgent.match(/Chrome\/[\d.]+/)?.[0] ?? navigator.userAgent;
    window.benchResults = { engine: `headless ${chrome}`, ...results };
} catch (error) {
    window.benchError = String(error?.stack ?? error);
}
