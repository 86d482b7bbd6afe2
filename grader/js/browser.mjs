// Headless Chromium for the mix page test and the benchmarks, with no npm
// packages: a static file server on localhost and a client for the few
// WebDriver endpoints they use, spoken over HTTP to chromedriver.
import { spawn } from "node:child_process";
import { createServer } from "node:http";
import { mkdtempSync, rmSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { extname, join, normalize } from "node:path";

const TYPES = { ".html": "text/html", ".js": "text/javascript", ".mjs": "text/javascript", ".wasm": "application/wasm" };

// Serves `root`, with URL prefixes mapped elsewhere by `mounts`
// ({ "/pkg/": "/some/dir" }). `isolated` sends the headers that make the page
// cross-origin isolated, which gives performance.now() 5 µs resolution
// instead of 100 µs. `onRequest(path)` hears of every request.
export async function serve(root, { mounts = {}, isolated = false, onRequest = () => {} } = {}) {
    const headers = isolated
        ? { "cross-origin-opener-policy": "same-origin", "cross-origin-embedder-policy": "require-corp" }
        : {};
    const server = createServer(async (request, response) => {
        const url = decodeURIComponent(new URL(request.url, "http://x").pathname);
        onRequest(url);
        const mount = Object.keys(mounts).find((prefix) => url.startsWith(prefix));
        const path = mount ? join(mounts[mount], normalize(url.slice(mount.length))) : join(root, normalize(url));
        try {
            const body = await readFile(path.endsWith("/") ? join(path, "index.html") : path);
            response.writeHead(200, { "content-type": TYPES[extname(path)] ?? "application/octet-stream", ...headers });
            response.end(body);
        } catch {
            response.writeHead(404).end();
        }
    });
    await new Promise((ready) => server.listen(0, "127.0.0.1", ready));
    return { url: `http://127.0.0.1:${server.address().port}`, close: () => server.close() };
}

export const sleep = (ms) => new Promise((done) => setTimeout(done, ms));

// Polls `check` until it returns something truthy, for at most `seconds`.
export async function until(what, check, seconds = 10) {
    const deadline = Date.now() + seconds * 1000;
    while (Date.now() < deadline) {
        const value = await check();
        if (value) return value;
        await sleep(100);
    }
    throw new Error(`timed out after ${seconds} s waiting for ${what}`);
}

// Starts chromedriver (CHROMEDRIVER, or the one on PATH) and a headless
// Chromium session; downloads go to the directory `downloads` names, without
// asking; `args` are more of Chromium's flags. Call close() in a finally block.
export async function chromium({ width = 1000, height = 700, downloads, args = [] } = {}) {
    const port = 9500 + Math.floor(Math.random() * 400);
    // The driver's own TMPDIR, removed on close: chromedriver leaves the
    // browser's profile (about 10 MB) behind more often than not.
    const temp = mkdtempSync(join(tmpdir(), "wasm-course-browser-"));
    const driver = spawn(process.env.CHROMEDRIVER ?? "chromedriver", [`--port=${port}`],
        { stdio: "ignore", env: { ...process.env, TMPDIR: temp } });
    const exited = new Promise((done) => driver.on("exit", done));
    const failedToStart = new Promise((_, fail) =>
        driver.on("error", (error) => fail(new Error(`cannot start chromedriver (${error.message}); install chromium-driver or set CHROMEDRIVER`))));
    const base = `http://127.0.0.1:${port}`;
    let session;

    async function call(method, path, body) {
        const response = await fetch(base + path, {
            method,
            headers: { "content-type": "application/json" },
            body: body === undefined ? undefined : JSON.stringify(body),
        });
        const json = await response.json();
        if (!response.ok) throw new Error(`${method} ${path}: ${json.value?.message ?? JSON.stringify(json.value)}`);
        return json.value;
    }
    const close = async () => {
        if (session) await call("DELETE", `/session/${session}`).catch(() => {});
        driver.kill();
        await Promise.race([exited, sleep(2000)]);
        rmSync(temp, { recursive: true, force: true, maxRetries: 3 });
    };

    try {
        await Promise.race([failedToStart, until("chromedriver to start", () => fetch(`${base}/status`).then((r) => r.ok, () => false))]);
        session = (await call("POST", "/session", {
            capabilities: {
                alwaysMatch: {
                    "goog:chromeOptions": {
                        // The browser the grader found (CHROME), else chromedriver's own choice.
                        ...(process.env.CHROME ? { binary: process.env.CHROME } : {}),
                        args: ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                            "--disable-background-networking", "--no-first-run", `--window-size=${width},${height}`, ...args],
                        prefs: downloads ? { "download.default_directory": downloads, "download.prompt_for_download": false } : {},
                    },
                },
            },
        })).sessionId;
    } catch (error) {
        await close();
        throw error;
    }
    const s = `/session/${session}`;
    const element = async (selector) => Object.values(await call("POST", `${s}/element`, { using: "css selector", value: selector }))[0];
    // Runs `source` as a function body in the page and returns its result.
    const script = (source) => call("POST", `${s}/execute/sync`, { script: source, args: [] });
    // A DevTools protocol command (the Profiler's, say), through chromedriver.
    const cdp = (cmd, params = {}) => call("POST", `${s}/goog/cdp/execute`, { cmd, params });
    return {
        open: (url) => call("POST", `${s}/url`, { url }),
        script,
        // Types into an element; WebDriver's \uE00C is Escape.
        type: async (selector, text) => call("POST", `${s}/element/${await element(selector)}/value`, { text }),
        click: async (selector) => call("POST", `${s}/element/${await element(selector)}/click`, {}),
        // W3C actions: a list of input sources, each with its list of
        // actions (pointer moves and clicks, wheel scrolls).
        actions: async (actions) => {
            await call("POST", `${s}/actions`, { actions });
            await call("DELETE", `${s}/actions`);
        },
        resize: (width, height) => call("POST", `${s}/window/rect`, { width, height }),
        // How long a script may run (ms): WebDriver's default is 30 s.
        scriptTimeout: (ms) => call("POST", `${s}/timeouts`, { script: ms }),
        cdp,
        screenshot: async () => Buffer.from(await call("GET", `${s}/screenshot`), "base64"),
        // The whole page as PNG, not only the window (DevTools captures
        // beyond it), at `scale`, at most `maxHeight` pixels of it from the top.
        pageScreenshot: async ({ scale = 1, maxHeight = Infinity } = {}) => {
            const [width, height] = await script("return [document.documentElement.scrollWidth, document.documentElement.scrollHeight]");
            const clip = { x: 0, y: 0, width, height: Math.min(height, maxHeight), scale };
            const { data } = await cdp("Page.captureScreenshot", { format: "png", captureBeyondViewport: true, clip });
            return Buffer.from(data, "base64");
        },
        close,
    };
}
