// `grader profile`'s browser half: serves the page, runs the workload once
// to warm up (WebAssembly is compiled in tiers), then again under the
// DevTools protocol's sampling profiler, and writes the profile as a
// .cpuprofile file, with the workload's pictures (if it makes any) beside
// it as PNG files. Prints {"warmup_ms": …, "ms": …, "memory_bytes": …} on
// stdout. With `measure` instead of an output file, the second run is only
// timed (no profiler, no pictures): the costs a leaderboard ranks.
//
//   node profile.mjs PKG_DIR MODULE WORKLOAD_DIR SCRIPT (OUT.cpuprofile | measure)
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, serve, until } from "../browser.mjs";

const [pkg, module, workloadDir, script, out] = process.argv.slice(2);
const here = fileURLToPath(new URL(".", import.meta.url));
const server = await serve(here, { mounts: { "/pkg/": pkg, "/workload/": workloadDir } });
let browser;
try {
    // V8 inlines small WebAssembly functions into their callers, and a
    // profile then credits the caller with their time: kept apart here, so
    // that each function of the student's source gets its own. Measured
    // costs are the engine's as it ships.
    browser = await chromium({ args: out === "measure" ? [] : ["--js-flags=--no-wasm-inlining"] });
    await browser.open(`${server.url}/index.html?${new URLSearchParams({ module, script })}`);
    const ready = await until("the module to load", () => browser.script("return window.profileReady"), 60);
    if (ready.error) throw new Error(`the page could not load the module or the workload: ${ready.error}`);
    await browser.scriptTimeout(600_000);
    const run = async () => {
        const done = await browser.script("return window.runWorkload()");
        if (done.error) throw new Error(`the workload failed: ${done.error}`);
        return done;
    };
    const { ms: warmup } = await run();
    if (out === "measure") {
        const { ms, memory_bytes } = await run();
        console.log(JSON.stringify({ warmup_ms: warmup, ms, memory_bytes }));
    } else {
        await browser.cdp("Profiler.enable");
        // 100 µs between samples: V8's finest useful interval.
        await browser.cdp("Profiler.setSamplingInterval", { interval: 100 });
        await browser.cdp("Profiler.start");
        const { ms, memory_bytes } = await run();
        const { profile } = await browser.cdp("Profiler.stop");
        writeFileSync(out, JSON.stringify(profile));
        // Pictures beside the profile, as NAME.png (a plain name, PNG only).
        const pictures = await browser.script("return window.workloadPictures()");
        for (const [name, url] of Object.entries(pictures ?? {})) {
            const png = /^data:image\/png;base64,([A-Za-z0-9+/=]+)$/.exec(url);
            if (!/^[a-z0-9-]{1,40}$/.test(name) || !png) throw new Error(`the workload's picture ${name} is not a named PNG`);
            writeFileSync(join(dirname(out), `${name}.png`), Buffer.from(png[1], "base64"));
        }
        console.log(JSON.stringify({ warmup_ms: warmup, ms, memory_bytes }));
    }
} catch (error) {
    console.error(error.message);
    process.exitCode = 1;
} finally {
    await browser?.close();
    server.close();
}
