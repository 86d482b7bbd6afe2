// The page's side of exercise 04: how JavaScript hands items to the module.
//
// `wasm` is the module's exports, `memory` its WebAssembly.Memory, `items` a
// Float64Array. The results must arrive at BatchingHost (see src/lib.rs).
//
// TODO: this is the lesson's slow pattern — one call into WASM per item.
// Ask the module for room (input_buffer), write every item with ONE
// Float64Array.set at that address, and call process_batch ONCE.
export function processAll(wasm, memory, items) {
    for (let i = 0; i < items.length; i++) {
        wasm.process_item(i, items[i]);
    }
}
