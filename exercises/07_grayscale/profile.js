// The workload `cargo run -p grader -- profile grayscale` records: a 4K
// frame (3840 × 2160 RGBA, 33 MB), filled from JavaScript as a canvas
// would, then turned gray by the crate 10 times. Its time is never graded.
export default function workload({ lib, memory }) {
    const frame = new lib.Frame(3840, 2160);
    // Made after `new Frame`, which may have grown memory (exercise 01).
    const pixels = new Uint8Array(memory.buffer, frame.ptr(), frame.len());
    for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 2654435761) >>> 24;
    for (let round = 0; round < 10; round++) frame.grayscale();
    // Not in a `finally`: after a panic the module is unusable, and freeing
    // would hide the panic behind wasm-bindgen's own error.
    frame.free();
}

// For the course's report (`grader report --html`): a small frame drawn on
// a real canvas — colour bands, a gradient and a translucent corner — before
// and after your kernel, as the canvas test draws it.
export function pictures({ lib, memory }) {
    const [width, height] = [320, 180];
    const canvas = document.createElement("canvas");
    [canvas.width, canvas.height] = [width, height];
    const context = canvas.getContext("2d");
    const colours = ["#e6194b", "#3cb44b", "#ffe119", "#4363d8", "#f58231", "#911eb4", "#46f0f0", "#f032e6"];
    colours.forEach((colour, i) => {
        context.fillStyle = colour;
        context.fillRect((i * width) / colours.length, 0, width / colours.length, height / 2);
    });
    const gradient = context.createLinearGradient(0, 0, width, 0);
    gradient.addColorStop(0, "#000");
    gradient.addColorStop(0.5, "#08f");
    gradient.addColorStop(1, "#fff");
    context.fillStyle = gradient;
    context.fillRect(0, height / 2, width, height / 2);
    context.fillStyle = "rgba(255, 200, 0, 0.5)";
    context.fillRect(width - 60, height - 60, 60, 60);
    const before = canvas.toDataURL("image/png");
    const image = context.getImageData(0, 0, width, height);
    const frame = new lib.Frame(width, height);
    new Uint8Array(memory.buffer, frame.ptr(), frame.len()).set(image.data);
    frame.grayscale();
    const gray = new Uint8ClampedArray(memory.buffer, frame.ptr(), frame.len());
    context.putImageData(new ImageData(new Uint8ClampedArray(gray), width, height), 0, 0);
    frame.free();
    return { "frame-before": before, "frame-after": canvas.toDataURL("image/png") };
}
