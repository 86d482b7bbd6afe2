// The JavaScript twins of grader/bench/src/lib.rs: the same algorithms,
// the same arithmetic, so their results can be compared exactly.

export function fib(n) {
    return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

// c = a × b, n×n, row-major, i-k-j order.
export function multiply(a, b, c, n) {
    c.fill(0);
    for (let i = 0; i < n; i++) {
        for (let k = 0; k < n; k++) {
            const aik = a[i * n + k];
            const row = i * n, bRow = k * n;
            for (let j = 0; j < n; j++) c[row + j] += aik * b[bRow + j];
        }
    }
}

// 3×3 box blur of every RGBA channel, edges clamped, integer division.
export function blur(pixels, blurred, w, h) {
    for (let y = 0; y < h; y++) {
        const rows = [Math.max(y - 1, 0), y, Math.min(y + 1, h - 1)];
        for (let x = 0; x < w; x++) {
            const cols = [Math.max(x - 1, 0), x, Math.min(x + 1, w - 1)];
            for (let channel = 0; channel < 4; channel++) {
                let sum = 0;
                for (const row of rows) for (const col of cols) sum += pixels[(row * w + col) * 4 + channel];
                blurred[(y * w + x) * 4 + channel] = (sum / 9) | 0;
            }
        }
    }
}

export function grayscale(pixels) {
    for (let i = 0; i < pixels.length; i += 4) {
        const gray = (0.299 * pixels[i] + 0.587 * pixels[i + 1] + 0.114 * pixels[i + 2] + 0.5) | 0;
        pixels[i] = pixels[i + 1] = pixels[i + 2] = gray;
    }
}

// Values counted plus numbers summed, as parse_json does.
export function checksum(value) {
    let sum = 1;
    if (typeof value === "number") sum += value;
    else if (Array.isArray(value)) for (const item of value) sum += checksum(item);
    else if (value !== null && typeof value === "object") for (const key in value) sum += checksum(value[key]);
    return sum;
}

export function parseJson(text) {
    return checksum(JSON.parse(text));
}
