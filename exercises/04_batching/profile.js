// The workload `cargo run -p grader -- profile batching` records: a batch
// of 100,000 items handed to the module 50 times by your page.js, the
// results received by a host that only counts them. As shipped, the
// profile shows the lesson's point: the time goes on crossing the
// boundary twice per item, not on the work. Its time is never graded.
import { processAll } from "./page.js";

let received = 0;
globalThis.BatchingHost = {
    receive_results(ptr, len) { received += len; },
    receive_result(index, value) { received += 1; },
};

// The batch, made before the profiler starts.
export function setup() {
    const items = new Float64Array(100_000);
    for (let i = 0; i < items.length; i++) items[i] = i * 0.5;
    return items;
}

export default function workload({ exports, memory, input }) {
    for (let round = 0; round < 50; round++) {
        received = 0;
        processAll(exports, memory, input);
        if (received !== input.length) {
            throw new Error(`${received} of ${input.length} results arrived at BatchingHost`);
        }
    }
}
