// The 10 MB sample the page offers and the benchmark measures: one line of
// mixed ASCII and multi-byte text, repeated.
export const SAMPLE_LINE = "The quick brown fox jumps over the lazy dog — mix sample line ✓\n";

export function sample(size = 10_000_000) {
    const line = new TextEncoder().encode(SAMPLE_LINE);
    const count = Math.ceil(size / line.length);
    const bytes = new Uint8Array(count * line.length);
    for (let i = 0; i < count; i++) bytes.set(line, i * line.length);
    return bytes;
}
