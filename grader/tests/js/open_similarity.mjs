// Opens similarity.html (`grader similarity … --out DIR`) in headless
// Chromium, served from DIR on localhost, and prints what the page shows as
// JSON: its ranked pairs, the pairs shown side by side with their
// fragments, what was not compared, the resources it fetched, and the
// page's policy. Saves a screenshot of the whole page to SCREENSHOT.
//
//   node open_similarity.mjs DIR SCREENSHOT
import { writeFileSync } from "node:fs";
import { chromium, serve } from "../../js/browser.mjs";

// Taller than this, a capture fails in some Chromium builds (the largest
// texture it draws): a longer page is kept from its top.
const MAX_HEIGHT = 16000;

const [dir, screenshot] = process.argv.slice(2);
const requests = [];
const server = await serve(dir, { onRequest: (url) => requests.push(url) });
let browser;
try {
    browser = await chromium({ width: 1400, height: 900 });
    await browser.open(`${server.url}/similarity.html`);
    const seen = await browser.script(`
        return {
            rows: [...document.querySelectorAll("tr.pair")].map((row) =>
                [row.dataset.a, row.dataset.b, row.dataset.similarity, row.dataset.shared]),
            details: [...document.querySelectorAll("section.detail")].map((section) => ({
                a: section.dataset.a,
                b: section.dataset.b,
                fragments: section.querySelectorAll(".fragment").length,
                numbered_lines: section.querySelectorAll(".ln").length,
                first_fragment: [...(section.querySelector(".fragment")?.querySelectorAll("pre") ?? [])].map((pre) => pre.textContent),
            })),
            not_compared: [...document.querySelectorAll("li.not-compared, li.skipped")].map((item) => item.textContent),
            policy: document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.content ?? null,
            resources: performance.getEntriesByType("resource").map((entry) => entry.name),
        };
    `);
    writeFileSync(screenshot, await browser.pageScreenshot({ maxHeight: MAX_HEIGHT }));
    console.log(JSON.stringify({ ...seen, server_requests: requests }));
} catch (error) {
    console.error(error.message);
    process.exitCode = 1;
} finally {
    await browser?.close();
    server.close();
}
