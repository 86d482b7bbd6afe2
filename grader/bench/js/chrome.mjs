// Runs the benchmark in headless Chromium (through chromedriver) and prints
// the results as JSON; arguments as for node.mjs.
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { chromium, serve, until } from "../../js/browser.mjs";

const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { quick: { type: "boolean" }, broken: { type: "string" } },
});
const here = fileURLToPath(new URL(".", import.meta.url));
// Cross-origin isolated: performance.now() at 5 µs instead of 100 µs.
const server = await serve(here, { isolated: true, mounts: { "/plain/": positionals[0], "/simd/": positionals[1] } });
let browser;
try {
    browser = await chromium();
    const query = new URLSearchParams();
    if (values.quick) query.set("quick", "");
    if (values.broken) query.set("broken", values.broken);
    await browser.open(`${server.url}/index.html?${query}`);
    const outcome = await until("the benchmark in Chromium", () =>
        browser.script("return window.benchResults ? { results: window.benchResults } : window.benchError ? { error: window.benchError } : null"), 1200);
    if (outcome.error) throw new Error(outcome.error);
    console.log(JSON.stringify(outcome.results));
} catch (error) {
    console.error(`benchmark in Chromium failed: ${error.message}`);
    process.exitCode = 1;
} finally {
    await browser?.close();
    server.close();
}
