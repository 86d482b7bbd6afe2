// Browser test of the mix page, in real headless Chromium: serves mix/www on
// localhost, drives the browser through chromedriver (browser.mjs) and checks
// what the page shows — typing in the modal and the plain way of working and
// the switch between them, saving (the downloaded bytes), rows that fit the
// window as it is resized, clicks that place the cursor, the wheel — and
// keeps a screenshot of each way of working.
//
//   node mix/www/test/page.mjs <directory for the screenshots>
//
// Needs the core built for the web (mix/www/build.sh) in mix/www/pkg, or in
// the directory MIX_PKG_DIR names, and chromedriver on PATH or in
// CHROMEDRIVER. Exits non-zero with a message when a check fails.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, serve, until } from "../../../grader/js/browser.mjs";

const www = fileURLToPath(new URL("..", import.meta.url));
const artifacts = process.argv[2] ?? ".";
const pkg = process.env.MIX_PKG_DIR;
// WebDriver's keys: Escape, End, ArrowDown; Ctrl is held until NULL.
const ESCAPE = "\uE00C", END = "\uE010", DOWN = "\uE015", CTRL = "\uE009", NULL = "\uE000";
const NOTES = "first line\nsécond line ✓\nthird\n";

function expect(condition, message) {
    if (!condition) throw new Error(message);
}

mkdirSync(artifacts, { recursive: true });
const temp = mkdtempSync(join(tmpdir(), "mix-page-test-"));
const downloads = join(temp, "downloads");
const notes = join(temp, "notes.txt");
writeFileSync(notes, NOTES);
const server = await serve(www, { mounts: pkg ? { "/pkg/": pkg } : {} });
let browser;
try {
    browser = await chromium({ downloads });
    await browser.open(`${server.url}/index.html`);
    const status = () => browser.script("return document.getElementById('status').textContent");
    const screen = () => browser.script("return document.getElementById('screen').innerText");
    const statusIs = (what, check) => until(what, async () => ((s) => check(s) && s)(await status()));
    // A saved file, once Chromium has finished writing it.
    const downloaded = (name) => until(`the download of ${name}`, () =>
        existsSync(join(downloads, name)) && !existsSync(join(downloads, `${name}.crdownload`)) &&
            readFileSync(join(downloads, name), "utf8"));
    // Mouse actions at a point of the viewport.
    const pointer = (x, y, actions) => browser.actions([{
        type: "pointer", id: "mouse", parameters: { pointerType: "mouse" },
        actions: [{ type: "pointerMove", x: Math.round(x), y: Math.round(y), origin: "viewport" }, ...actions],
    }]);
    const click = (x, y) => pointer(x, y, [{ type: "pointerDown", button: 0 }, { type: "pointerUp", button: 0 }]);
    // Where character `column` of the row showing line `line` (1-based, as
    // the gutter shows it) is drawn: its box in the viewport.
    const charBox = (line, column) => browser.script(`
        const row = [...document.querySelectorAll("#screen > div")].find((r) => r.firstChild.textContent === "${line}");
        const walker = document.createTreeWalker(row.lastChild, NodeFilter.SHOW_TEXT);
        let left = ${column};
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            const chars = [...node.data];
            if (left < chars.length) {
                const at = chars.slice(0, left).join("").length;
                const range = document.createRange();
                range.setStart(node, at);
                range.setEnd(node, at + chars[left].length);
                const { left: x, right, top, bottom } = range.getBoundingClientRect();
                return { left: x, right, top, bottom };
            }
            left -= chars.length;
        }
        return null;`);
    const rows = () => browser.script(`
        const screen = document.getElementById("screen");
        const style = getComputedStyle(screen);
        const room = screen.clientHeight - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom);
        const rows = [...screen.children];
        const last = rows.at(-1).getBoundingClientRect().bottom;
        return { count: rows.length, room, fits: last <= screen.getBoundingClientRect().bottom - parseFloat(style.paddingBottom),
            first: rows[0].firstChild.textContent };`);

    await statusIs("the page to load the core", (s) => s.startsWith("NORMAL  1:1  welcome.txt"));
    expect((await screen()).includes("Welcome to mix."), "the welcome text is on screen");

    // Modal: i, typed text, Escape, then G and o for a new last line.
    await browser.type("#screen", `iHello from WebDriver! ${ESCAPE}GoLast line${ESCAPE}`);
    await until("the typed text on screen", async () => (await screen()).includes("Last line"));
    const text = await screen();
    expect(text.includes("Hello from WebDriver! Welcome to mix."), `typed text at the start of line 1: ${text}`);
    const modalStatus = await status();
    expect(modalStatus.startsWith("NORMAL  5:9  welcome.txt "), `status after Escape on line 5: ${modalStatus}`);
    expect(/frame \d+\.\d\d ms/.test(modalStatus), `the status shows the last frame's time: ${modalStatus}`);
    writeFileSync(join(artifacts, "mix-page-modal.png"), await browser.screenshot());

    // Ctrl+S: the welcome text, as edited, under its default name.
    await browser.type("#screen", `${CTRL}s${NULL}`);
    const welcome = await downloaded("welcome.txt");
    expect(welcome.startsWith("Hello from WebDriver! Welcome to mix.\n") && welcome.endsWith("\n\nLast line"),
        `welcome.txt holds the edited text: ${JSON.stringify(welcome)}`);
    await statusIs("the status to say it saved", (s) => s.endsWith("saved welcome.txt"));

    // Ctrl+M: plain typing, where i types an i and Escape does nothing.
    await browser.type("#screen", `${CTRL}m${NULL}`);
    await statusIs("Edit mode after Ctrl+M", (s) => s.startsWith("EDIT  5:9 "));
    expect(await browser.script("return document.getElementById('mode').getAttribute('aria-pressed')") === "true",
        "the mode button shows plain typing is on");
    await browser.type("#screen", `${END}, i typed${ESCAPE} here`);
    await until("plain typing on screen", async () => (await screen()).includes("Last line, i typed here"));
    const plainStatus = await status();
    expect(plainStatus.startsWith("EDIT  5:24 "), `still Edit mode, after the typed text: ${plainStatus}`);
    writeFileSync(join(artifacts, "mix-page-plain.png"), await browser.screenshot());

    // A file opened in plain typing stays in plain typing; edited and saved,
    // it downloads under its own name with exactly the edited bytes.
    await browser.type("#file", notes);
    await statusIs("notes.txt opened", (s) => s.startsWith("EDIT  1:1  notes.txt  34 B  4 lines"));
    await browser.type("#screen", `Dear reader, ${DOWN}${END}!${CTRL}s${NULL}`);
    const saved = await downloaded("notes.txt");
    expect(saved === "Dear reader, first line\nsécond line ✓!\nthird\n", `notes.txt as edited: ${JSON.stringify(saved)}`);

    // Clicks: on a character, on the right half of one, past a line's end
    // (where typing may put the cursor after its last character, Normal
    // mode on it).
    let box = await charBox(2, 2);
    await click(box.left + 1, (box.top + box.bottom) / 2);
    await statusIs("the cursor on the c of sécond", (s) => s.startsWith("EDIT  2:3 "));
    box = await charBox(2, 1);
    await click(box.right - 1, (box.top + box.bottom) / 2);
    await statusIs("the cursor on the é of sécond", (s) => s.startsWith("EDIT  2:2 "));
    await browser.type("#screen", "x");
    await until("a character typed where the click put the cursor", async () => (await screen()).includes("sxécond"));
    box = await charBox(3, 4);
    await click(box.right + 200, (box.top + box.bottom) / 2);
    await statusIs("the cursor after third", (s) => s.startsWith("EDIT  3:6 "));
    await browser.click("#mode");
    await statusIs("Normal mode from the mode button", (s) => s.startsWith("NORMAL  3:5 "));
    box = await charBox(1, 0);
    await click(box.right + 500, (box.top + box.bottom) / 2);
    await statusIs("the cursor on the last character of line 1", (s) => s.startsWith("NORMAL  1:23 "));

    // The 10 MB sample: as many rows as fit, following the window's size.
    await browser.click("#sample");
    await statusIs("the 10 MB sample", (s) => s.startsWith("NORMAL  1:1  sample-10MB.txt  10.0 MB  147060 lines"));
    const tall = await rows();
    expect(tall.fits && tall.count === Math.floor(tall.room / 20) && tall.count > 20, `the rows fill the screen: ${JSON.stringify(tall)}`);
    await browser.resize(900, 400);
    const short = await until("fewer rows in a smaller window", async () => ((r) => r.count < tall.count && r)(await rows()));
    expect(short.fits && short.count === Math.floor(short.room / 20), `the rows fill the smaller screen: ${JSON.stringify(short)}`);
    await browser.resize(1000, 800);
    const taller = await until("more rows in a taller window", async () => ((r) => r.count > tall.count && r)(await rows()));
    expect(taller.fits && taller.count === Math.floor(taller.room / 20), `the rows fill the taller screen: ${JSON.stringify(taller)}`);

    // The wheel: 200 pixels are 10 rows of 20; the view moves, the cursor
    // stays, and the next key brings the view back to the cursor.
    box = await charBox(5, 3);
    await browser.actions([{
        type: "wheel", id: "wheel",
        actions: [{ type: "scroll", x: Math.round(box.left), y: Math.round(box.top), deltaX: 0, deltaY: 200, origin: "viewport" }],
    }]);
    await until("the view 10 lines down", async () => (await rows()).first === "11");
    expect((await status()).startsWith("NORMAL  1:1 "), "the wheel leaves the cursor where it was");
    await browser.type("#screen", "j");
    await until("the view back at the cursor", async () => (await rows()).first === "2");
    expect((await status()).startsWith("NORMAL  2:1 "), "j moved the cursor to line 2");

    await browser.type("#screen", "G");
    const end = await statusIs("G in the sample", (s) => s.startsWith("NORMAL  147060:1  sample-10MB.txt  10.0 MB  147060 lines"));
    console.log(`page test passed; modal: "${modalStatus}"; plain: "${plainStatus}"; ` +
        `rows ${tall.count}, ${short.count} and ${taller.count} as the window was resized; 10 MB sample after G: "${end}"`);
} catch (error) {
    console.error(`page test failed: ${error.message}`);
    process.exitCode = 1;
} finally {
    await browser?.close();
    server.close();
    rmSync(temp, { recursive: true, force: true });
}
