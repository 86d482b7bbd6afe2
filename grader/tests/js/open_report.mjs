// Opens an HTML report (`grader report --html DIR`) in headless Chromium,
// served from DIR on localhost, and prints what the page shows as JSON: its
// rows, its pictures (with their decoded sizes), its flame graphs' bars, the
// resources it fetched, and whether the page's policy forbids fetching.
// Saves a screenshot of the whole page to SCREENSHOT.
//
//   node open_report.mjs DIR SCREENSHOT [SCALE]
import { writeFileSync } from "node:fs";
import { chromium, serve } from "../../js/browser.mjs";

const [dir, screenshot, scale = "1"] = process.argv.slice(2);
const requests = [];
const server = await serve(dir, { onRequest: (url) => requests.push(url) });
let browser;
try {
    browser = await chromium({ width: 1100, height: 900 });
    await browser.open(`${server.url}/index.html`);
    const seen = await browser.script(`
        const images = [...document.querySelectorAll("img")];
        return {
            rows: [...document.querySelectorAll("tr.row")].map((row) => [row.dataset.name, row.dataset.status]),
            pictures: images.map((img) => ({ name: img.dataset.name ?? null, width: img.naturalWidth, data: img.src.startsWith("data:image/png;base64,") })),
            flame_graphs: [...document.querySelectorAll("figure.flame-graph")].map((figure) =>
                [...figure.querySelectorAll("g.frame")].map((bar) => [bar.dataset.name, bar.dataset.kind])),
            policy: document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.content ?? null,
            resources: performance.getEntriesByType("resource").map((entry) => entry.name),
        };
    `);
    writeFileSync(screenshot, await browser.pageScreenshot({ scale: Number(scale) }));
    console.log(JSON.stringify({ ...seen, server_requests: requests }));
} catch (error) {
    console.error(error.message);
    process.exitCode = 1;
} finally {
    await browser?.close();
    server.close();
}
