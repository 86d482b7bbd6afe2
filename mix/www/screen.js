// The page's drawing: the visible lines, laid out by the core and read
// through views (frame.js), turned into the text of DOM rows. The page
// (main.js) and the benchmark (mix/bench) both draw with it.
//
// A keystroke changes a line or two, so a frame decodes only the lines whose
// bytes differ from what the rows showed before, and writes only the DOM text
// that changed, into rows made once: no string for a line that did not
// change and no new node per frame, hence little garbage for the collector
// to stop a frame for.
import { layOut } from "./frame.js";

const decoder = new TextDecoder();

export class Screen {
    constructor(element) {
        this.element = element;
        // One per row on screen: its DOM nodes and what they show.
        this.rows = [];
        // The bytes the rows were drawn from, copied out of the render area,
        // where each row's are in it, and the text decoded from them: what
        // the next frame compares its lines with.
        this.drawn = new Uint8Array(4096);
        this.spans = [];
        this.texts = [];
        this.top = 0;
    }

    // Draws `rows` lines from line `top`, the cursor ({ line, column }, the
    // column in characters) shown on its line. Returns the lines drawn.
    draw(wasm, core, top, rows, cursor) {
        const area = layOut(wasm, core, top, rows);
        const { bytes, count } = area;
        this.fit(count);
        const shift = top - this.top;
        for (let i = 0; i < count; i++) {
            const start = area.start(i), length = area.length(i), number = area.number(i);
            const row = this.rows[i];
            const old = this.previous(bytes, start, length, i, i + shift);
            const text = old >= 0 ? this.texts[old] : decoder.decode(bytes.subarray(start, start + length));
            if (row.number !== number) {
                row.number = number;
                row.gutter.data = String(number + 1);
            }
            show(row, text, number === cursor.line ? cursor.column : -1);
        }
        this.keep(bytes, area, count);
        this.top = top;
        return count;
    }

    // Which of the last frame's rows showed the bytes `bytes[start .. start +
    // length]`, or -1. Looked for where a line is most likely found again:
    // the same row, the row that showed the same line number (after a
    // scroll), or one either side of that (after a line was added or
    // removed above).
    previous(bytes, start, length, row, same) {
        if (this.holds(row, bytes, start, length)) return row;
        for (let j = same - 1; j <= same + 1; j++) {
            if (j !== row && this.holds(j, bytes, start, length)) return j;
        }
        return -1;
    }

    holds(j, bytes, start, length) {
        if (j < 0 || j >= this.spans.length || this.spans[j][1] !== length) return false;
        const at = this.spans[j][0];
        for (let k = 0; k < length; k++) {
            if (bytes[start + k] !== this.drawn[at + k]) return false;
        }
        return true;
    }

    // Keeps this frame's lines — their bytes, copied out of the render area
    // (the next render overwrites it), and their texts — for the next frame.
    keep(bytes, area, count) {
        const total = count === 0 ? 0 : area.start(count - 1) + area.length(count - 1) - area.base;
        if (this.drawn.length < total) this.drawn = new Uint8Array(total * 2);
        this.drawn.set(bytes.subarray(area.base, area.base + total));
        this.spans.length = this.texts.length = count;
        for (let i = 0; i < count; i++) {
            const span = (this.spans[i] ??= [0, 0]);
            span[0] = area.start(i) - area.base;
            span[1] = area.length(i);
            this.texts[i] = this.rows[i].text;
        }
    }

    // As many rows as lines to draw: made or removed only when that changes.
    fit(count) {
        while (this.rows.length < count) this.rows.push(makeRow(this.element));
        while (this.rows.length > count) this.rows.pop().div.remove();
    }

    // The line and column (characters) under the point (x, y) of the
    // viewport, for a click: the nearest row, and in it the character the
    // point is on; past a line's end, its end.
    positionAt(x, y) {
        if (this.rows.length === 0) return { line: this.top, column: 0 };
        const row = this.rows.find((r) => y < r.div.getBoundingClientRect().bottom) ?? this.rows.at(-1);
        const box = row.content.getBoundingClientRect();
        const caret = document.caretPositionFromPoint(Math.max(x, box.left), (box.top + box.bottom) / 2);
        if (!caret || !row.content.contains(caret.offsetNode)) return { line: row.number, column: 0 };
        const before = document.createRange();
        before.setStart(row.content, 0);
        before.setEnd(caret.offsetNode, caret.offset);
        // The caret falls between characters, at the nearer edge: a point on
        // the right half of a character is still on that character.
        let column = [...before.toString()].length;
        if (column > 0 && x < before.getBoundingClientRect().right) column--;
        return { line: row.number, column };
    }
}

// A row: <div><span class=number>gutter</span><span>before<span
// class=cursor>mark</span>after</span></div>, where a line without the
// cursor is all `before`. The row remembers the strings its text nodes hold,
// so that an unchanged row costs a comparison, not a read from the DOM.
function makeRow(element) {
    const div = document.createElement("div");
    const number = document.createElement("span");
    number.className = "number";
    const content = document.createElement("span");
    const cursor = document.createElement("span");
    cursor.className = "cursor";
    const row = {
        div, content, number: -1, text: "", shown: ["", "", ""],
        gutter: number.appendChild(document.createTextNode("")),
        nodes: [document.createTextNode(""), cursor.appendChild(document.createTextNode("")), document.createTextNode("")],
    };
    content.append(row.nodes[0], cursor, row.nodes[2]);
    div.append(number, content);
    element.append(div);
    return row;
}

// Shows `text` in a row, with the cursor on character `column` (-1: none),
// writing only the text nodes whose text changes.
function show(row, text, column) {
    row.text = text;
    if (column < 0) {
        write(row, 0, text);
        write(row, 1, "");
        write(row, 2, "");
        return;
    }
    const at = utf16Index(text, column);
    const end = at < text.length ? at + (text.codePointAt(at) > 0xffff ? 2 : 1) : at;
    write(row, 0, text.slice(0, at));
    // Past the line's last character (typing at its end) the cursor is a
    // blank.
    write(row, 1, end > at ? text.slice(at, end) : " ");
    write(row, 2, text.slice(end));
}

function write(row, node, text) {
    if (row.shown[node] === text) return;
    row.shown[node] = text;
    row.nodes[node].data = text;
}

// Where character `column` starts in a JavaScript string, which counts
// UTF-16 units: characters beyond U+FFFF take two.
function utf16Index(text, column) {
    let at = 0;
    for (let c = 0; c < column && at < text.length; c++) at += text.codePointAt(at) > 0xffff ? 2 : 1;
    return at;
}
