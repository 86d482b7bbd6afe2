// Runs the benchmark in Node.js and prints the results as JSON.
//   node grader/bench/js/node.mjs <plain pkg dir> <simd128 pkg dir> [--quick] [--broken KERNEL]
// Each pkg dir holds `wasm-bindgen --target web` output named lesson_bench.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { runBenchmarks } from "./harness.mjs";

const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { quick: { type: "boolean" }, broken: { type: "string" } },
});

async function load(name, dir) {
    const glue = await import(join(dir, "lesson_bench.js"));
    const exports = await glue.default({ module_or_path: await readFile(join(dir, "lesson_bench_bg.wasm")) });
    return { name, module: glue, memory: () => exports.memory };
}

const builds = [await load("wasm", positionals[0]), await load("wasm+simd128", positionals[1])];
const results = await runBenchmarks({ builds, quick: values.quick, broken: values.broken, log: (line) => console.error(line) });
console.log(JSON.stringify({ engine: `Node.js ${process.version}`, ...results }));
