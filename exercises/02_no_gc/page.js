// The page's side of exercise 02: a page that uses the module's memory.
//
// `lib` has alloc(len), free(ptr, len) and the Histogram class; `memory` is
// the module's WebAssembly.Memory; `images` an array of Uint8Array.
//
// TODO: this is JavaScript written as if a garbage collector cleaned up
// after it. The answers are right, but linear memory has no collector:
// every block from lib.alloc and every Histogram stays allocated for good.
// Free each block with lib.free(ptr, len) and each Histogram with its
// free() (or a `using` declaration) as soon as it is no longer needed.
export function mostCommonLevels(lib, memory, images) {
    const levels = [];
    for (const image of images) {
        const histogram = new lib.Histogram();
        const ptr = lib.alloc(image.length);
        new Uint8Array(memory.buffer, ptr, image.length).set(image);
        histogram.add(ptr, image.length);
        levels.push(histogram.most_common());
    }
    return levels;
}
