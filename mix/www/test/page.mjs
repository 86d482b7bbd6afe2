// Browser test of the mix page, in real headless Chromium: serves mix/www on
// localhost, drives the browser through chromedriver (browser.mjs), types
// keys into the page, checks the text on screen and the status line, and
// keeps a screenshot.
//
//   node mix/www/test/page.mjs <screenshot.png>
//
// Needs the core built for the web (mix/www/build.sh) in mix/www/pkg, or in
// the directory MIX_PKG_DIR names, and chromedriver on PATH or in
// CHROMEDRIVER. Exits non-zero with a message when a check fails.
import { writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { chromium, serve, until } from "../../../grader/js/browser.mjs";

const www = fileURLToPath(new URL("..", import.meta.url));
const screenshot = process.argv[2] ?? "page.png";
const pkg = process.env.MIX_PKG_DIR;

function expect(condition, message) {
    if (!condition) throw new Error(message);
}

const server = await serve(www, { mounts: pkg ? { "/pkg/": pkg } : {} });
let browser;
try {
    browser = await chromium();
    await browser.open(`${server.url}/index.html`);
    const status = () => browser.script("return document.getElementById('status').textContent");
    const screen = () => browser.script("return document.getElementById('screen').innerText");
    await until("the page to load the core", async () => (await status()).startsWith("NORMAL"));
    expect((await screen()).includes("Welcome to mix."), "the welcome text is on screen");

    // i, typed text, Escape, then G and o for a new last line.
    await browser.type("#screen", "iHello from WebDriver! \uE00CGoLast line\uE00C");
    await until("the typed text on screen", async () => (await screen()).includes("Last line"));
    const text = await screen();
    expect(text.includes("Hello from WebDriver! Welcome to mix."), `typed text at the start of line 1: ${text}`);
    const line = await status();
    expect(line.startsWith("NORMAL  4:9 "), `status after Escape on line 4: ${line}`);
    expect(/frame \d+\.\d\d ms/.test(line), `the status shows the last frame's time: ${line}`);
    await writeFile(screenshot, await browser.screenshot());

    // The 10 MB sample: generated, loaded through memory, then G to the end.
    await browser.click("#sample");
    await until("the 10 MB sample", async () => (await status()).includes("10.0 MB"));
    await browser.type("#screen", "G");
    const end = await until("G in the sample", async () => ((s) => s.startsWith("NORMAL  147060:1  10.0 MB  147060 lines") && s)(await status()));
    console.log(`page test passed; status "${line}"; 10 MB sample after G: "${end}"; screenshot ${screenshot}`);
} catch (error) {
    console.error(`page test failed: ${error.message}`);
    process.exitCode = 1;
} finally {
    await browser?.close();
    server.close();
}
