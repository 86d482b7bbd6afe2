// The page's side of exercise 04 (reference): one crossing per batch.
//
// `wasm` is the module's exports, `memory` its WebAssembly.Memory, `items` a
// Float64Array. The results arrive at BatchingHost.receive_results.
export function processAll(wasm, memory, items) {
    const ptr = wasm.input_buffer(items.length);
    // Made after input_buffer: allocating may have grown memory.
    new Float64Array(memory.buffer, ptr, items.length).set(items);
    wasm.process_batch(items.length);
}
