// The workload `cargo run -p grader -- profile profile_first` records: a
// day of clicks on a full-HD page — 200,000 points, most around a few
// buttons, some anywhere, a few past the edges — handed to the heatmap as a
// page does (room in the module's buffer, one Float64Array.set), binned,
// then the 10 hottest cells asked for. Its time is never graded.

const count = 200000;
const [width, height] = [1920, 1080];

// The clicks are made once, when the module loads: the profile is of the
// heatmap, not of making up clicks. The same clicks every run.
const points = new Float64Array(2 * count);
let state = 2026;
const next = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
};
const buttons = [[0.12, 0.08], [0.5, 0.5], [0.83, 0.9], [0.3, 0.7]];
for (let i = 0; i < count; i++) {
    const kind = next();
    if (kind < 0.7) {
        const [bx, by] = buttons[Math.floor(next() * buttons.length)];
        points[2 * i] = bx * width + (next() + next() + next() - 1.5) * 40;
        points[2 * i + 1] = by * height + (next() + next() + next() - 1.5) * 24;
    } else if (kind < 0.97) {
        points[2 * i] = next() * width;
        points[2 * i + 1] = next() * height;
    } else {
        points[2 * i] = (next() * 1.2 - 0.1) * width;
        points[2 * i + 1] = (next() * 1.2 - 0.1) * height;
    }
}

export default function workload({ lib, memory }) {
    const map = new lib.Heatmap(width / 8, height / 8, 8);
    try {
        const ptr = map.input_buffer(count);
        // Made after input_buffer, which may have grown memory (exercise 01).
        new Float64Array(memory.buffer, ptr, 2 * count).set(points);
        map.add_points(count);
        map.hottest(10);
    } finally {
        map.free();
    }
}
