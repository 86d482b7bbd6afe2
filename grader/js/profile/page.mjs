// The page `grader profile` opens: the student's module (built in release
// by wasm-bindgen --target web, served at /pkg/) and the exercise's
// workload (served at /workload/), run on request so that the profiler
// records the workload and nothing before it.
//
// A workload is a module: `export default function ({ lib, exports,
// memory, input })` — wasm-bindgen's module, the instance's raw exports, the
// linear memory, and what its optional `export function setup()` returned,
// made once before any run. An optional `export function pictures(same)`
// returns { name: "data:image/png;base64,…" } for the report to show.
const query = new URLSearchParams(location.search);
try {
    const lib = await import(`/pkg/${query.get("module")}.js`);
    const wasm = await lib.default();
    // `setup`, when the workload has one, makes its input before any
    // profiling (a 10 MB file, say): what the profile should not show.
    const { default: workload, setup, pictures } = await import(`/workload/${query.get("script")}`);
    const input = setup ? await setup() : undefined;
    // One run, its time (never graded: the profile is the point). The
    // driver awaits the promise in one call, so that nothing of its own
    // (polling scripts) runs while the profiler records.
    window.runWorkload = async () => {
        const started = performance.now();
        try {
            await workload({ lib, exports: wasm, memory: wasm.memory, input });
            const ms = performance.now() - started;
            // Linear memory only grows: its size now is its peak so far.
            return { ms, memory_bytes: wasm.memory.buffer.byteLength };
        } catch (error) {
            return { error: `${error}\n${error?.stack ?? ""}` };
        }
    };
    // What the workload's optional `export function pictures()` shows of
    // its result (07: a frame before and after), as PNG data URLs by name;
    // run after the profile, never in it.
    window.workloadPictures = async () =>
        pictures ? await pictures({ lib, exports: wasm, memory: wasm.memory, input }) : {};
    window.profileReady = { ok: true };
} catch (error) {
    window.profileReady = { error: `${error}\n${error?.stack ?? ""}` };
}
