// The page's side of exercise 02 (reference): every block from lib.alloc
// goes back through lib.free, every Histogram through free() (here by a
// `using` declaration), each as soon as it is no longer needed.
//
// `lib` has alloc(len), free(ptr, len) and the Histogram class; `memory` is
// the module's WebAssembly.Memory; `images` an array of Uint8Array.
export function mostCommonLevels(lib, memory, images) {
    const levels = [];
    for (const image of images) {
        // Disposed (its free() called) when this iteration's block ends.
        using histogram = new lib.Histogram();
        const ptr = lib.alloc(image.length);
        // Made after alloc: allocating may have grown memory.
        new Uint8Array(memory.buffer, ptr, image.length).set(image);
        histogram.add(ptr, image.length);
        // Counted: the pixels are no longer needed, so give them back now,
        // before the next image is allocated.
        lib.free(ptr, image.length);
        levels.push(histogram.most_common());
    }
    return levels;
}
