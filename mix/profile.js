// The workload `cargo run -p grader -- profile mix` records: mix's targets
// on a 10 MB file, through the frame interface exactly as the page drives
// it (www/frame.js): the file loaded, then 200 jumps across the document,
// each followed by a sentence typed one key per frame with 40 rows laid
// out after every frame. Its time is never graded.
import { applyKeys, keyCode, layOut, loadBytes } from "./www/frame.js";
import { sample } from "./www/sample.js";

const ROWS = 40;
const SENTENCE = "The quick brown fox jumps over the lazy dog. ";

// The file, made before the profiler starts.
export function setup() {
    return sample(10_000_000);
}

export default function workload({ lib, memory, input }) {
    const wasm = { memory };
    const core = new lib.Core();
    loadBytes(wasm, core, input);
    // Edit mode: every key types, as in a plain editor.
    core.set_modal(false);
    const lines = applyKeys(wasm, core, []).lineCount;
    for (let jump = 0; jump < 200; jump++) {
        const line = (jump * 7919) % lines;
        core.set_cursor(line, 3);
        for (const character of SENTENCE) {
            const summary = applyKeys(wasm, core, [[keyCode(character), 0]]);
            layOut(wasm, core, Math.max(0, summary.line - ROWS / 2), ROWS);
        }
    }
    core.free();
}
