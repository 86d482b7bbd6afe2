//! Tests for exercise 03. They grade both the exercise and its reference
//! solution (the solution's Cargo.toml points here), so there is one copy.
//!
//! The student's `src/memory.wat` is assembled here, in the browser, by the
//! `wat` crate compiled to wasm32; the browser's own WebAssembly API
//! (through js_sys) compiles and instantiates it; and the JS harness calls
//! its exports and looks at the memory IT exports through typed views —
//! a second module beside the test's own, with a memory of its own.

use js_sys::{Object, Uint8Array, WebAssembly};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

// Without it the runner skips this file when it runs in a browser.
wasm_bindgen_test_configure!(run_in_browser);

/// The crate's own WAT: CARGO_MANIFEST_DIR is the crate under test, so the
/// exercise's tests read the exercise's file and the solution's read the
/// solution's.
const SOURCE: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/src/memory.wat"));
const FILE: &str = "src/memory.wat";

#[wasm_bindgen(inline_js = r#"
export function call(exports, name, args) {
    const f = exports[name];
    if (typeof f !== "function") {
        throw new Error(`src/memory.wat exports no function "${name}": it needs (func (export "${name}") ...)`);
    }
    return f(...args);
}
export function exported_memory(exports) {
    return exports.memory instanceof WebAssembly.Memory ? exports.memory : null;
}
export function buffer_bytes(memory) { return memory.buffer.byteLength; }
export function bytes_at(memory, at, count) { return Array.from(new Uint8Array(memory.buffer, at, count)); }
export function fill(memory, at, count, value) { new Uint8Array(memory.buffer, at, count).fill(value); }
export function int32_at(memory, at) { return new Int32Array(memory.buffer, at, 1)[0]; }
export function data_view_i32(memory, at, little_endian) {
    return new DataView(memory.buffer).getInt32(at, little_endian);
}
export function data_view_set_i32(memory, at, value) {
    new DataView(memory.buffer).setInt32(at, value, true);
}
"#)]
extern "C" {
    #[wasm_bindgen(catch)]
    fn call(exports: &JsValue, name: &str, args: Vec<i32>) -> Result<JsValue, JsValue>;
    fn exported_memory(exports: &JsValue) -> JsValue;
    fn buffer_bytes(memory: &JsValue) -> usize;
    fn bytes_at(memory: &JsValue, at: usize, count: usize) -> Vec<u8>;
    fn fill(memory: &JsValue, at: usize, count: usize, value: u8);
    fn int32_at(memory: &JsValue, at: usize) -> i32;
    fn data_view_i32(memory: &JsValue, at: usize, little_endian: bool) -> i32;
    fn data_view_set_i32(memory: &JsValue, at: usize, value: i32);
}

/// The student's module, assembled and instantiated anew for each test.
struct Module {
    exports: JsValue,
    memory: JsValue,
}

impl Module {
    fn new() -> Module {
        let bytes = match wat::Parser::new().parse_str(Some(std::path::Path::new(FILE)), SOURCE) {
            Ok(bytes) => bytes,
            Err(error) => panic!("{FILE} does not assemble; the WAT assembler says:\n{error}"),
        };
        let module = WebAssembly::Module::new(&Uint8Array::from(&bytes[..])).unwrap_or_else(|error| {
            let text = describe(&error);
            panic!(
                "{FILE} assembles, but the browser refuses the module it makes — an instruction without the \
                 values it needs on the stack, or a result of the wrong type:\n{text}{}",
                function_named_in(&text)
            )
        });
        let instance = WebAssembly::Instance::new(&module, &Object::new())
            .unwrap_or_else(|error| panic!("the module from {FILE} cannot be instantiated: {}", describe(&error)));
        let exports = JsValue::from(instance.exports());
        let memory = exported_memory(&exports);
        assert!(
            !memory.is_null(),
            "the module from {FILE} exports no memory named \"memory\": declare one page, as the lesson's \
             `(memory 1)`, and export it — `(memory (export \"memory\") 1)` — so that JavaScript can look at it"
        );
        Module { exports, memory }
    }

    /// Calls export `name`; a trap or a missing export fails the test with
    /// what JavaScript saw.
    fn call(&self, name: &str, args: &[i32]) -> JsValue {
        call(&self.exports, name, args.to_vec()).unwrap_or_else(|error| {
            let shown = args.iter().map(|a| format!("{a:#x}")).collect::<Vec<_>>().join(", ");
            panic!("calling {name}({shown}) from JavaScript failed: {}", describe(&error))
        })
    }

    /// Calls export `name`, which must return an i32.
    fn call_i32(&self, name: &str, args: &[i32]) -> i32 {
        let result = self.call(name, args);
        match result.as_f64() {
            Some(n) => n as i32,
            None => panic!("{name} returned {result:?}, not a number: declare it with (result i32)"),
        }
    }

    fn bytes(&self, at: usize, count: usize) -> Vec<u8> {
        bytes_at(&self.memory, at, count)
    }

    /// Sets `count` bytes from `at` to 0xAA, so that a store that writes
    /// more bytes than it should shows.
    fn mark(&self, at: usize, count: usize) {
        fill(&self.memory, at, count, 0xAA);
    }
}

/// A thrown value as text, with what a trap of the stub means.
fn describe(error: &JsValue) -> String {
    let text = error.as_string().unwrap_or_else(|| String::from(js_sys::Error::from(error.clone()).to_string()));
    if text.contains("unreachable") {
        format!("{text} — the stub's `unreachable` is still in that function's body in {FILE}")
    } else {
        text
    }
}

/// Where the function that an engine's "Compiling function #N failed"
/// means is in the source: the N-th `(func`, comments left out (the module
/// imports no functions, so its functions are numbered from 0).
fn function_named_in(message: &str) -> String {
    let Some(index) = message
        .split("function #")
        .nth(1)
        .and_then(|rest| rest.split(|c: char| !c.is_ascii_digit()).next()?.parse::<usize>().ok())
    else {
        return String::new();
    };
    let found = SOURCE
        .lines()
        .enumerate()
        .flat_map(|(number, line)| {
            let code = line.split(";;").next().unwrap_or("");
            code.match_indices("(func").map(move |(column, _)| (number + 1, code[column..].trim_end().to_string()))
        })
        .nth(index);
    match found {
        Some((line, code)) => format!("\nFunction #{index} is the one at {FILE}:{line}: {code}"),
        None => String::new(),
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02X}")).collect::<Vec<_>>().join(" ")
}

#[wasm_bindgen_test]
fn the_module_exports_one_page_of_memory() {
    let module = Module::new();
    let bytes = buffer_bytes(&module.memory);
    assert_eq!(
        bytes,
        65_536,
        "the exported memory is {bytes} bytes ({} pages of 64 KiB): the lesson's `(memory 1)` declares one page, \
         65,536 bytes, addresses 0 to 65535",
        bytes / 65_536
    );
}

#[wasm_bindgen_test]
fn store_int_writes_four_little_endian_bytes_at_address_0() {
    let module = Module::new();
    module.mark(0, 8);
    module.call("store_int", &[0x0102_0304]);
    let seen = module.bytes(0, 8);
    let why = match seen[..4] {
        [0x01, 0x02, 0x03, 0x04] => {
            "that is the wrong byte order: WebAssembly memory is little-endian, so i32.store puts the least \
             significant byte, 04, first"
        }
        [0x04, 0xAA, 0xAA, 0xAA] => "only one byte was written: i32.store8 stores 1 byte; i32.store stores 4",
        _ if seen[4..] != [0xAA; 4] => "bytes past the first four changed: a wider store (i64.store) writes 8",
        _ => "store_int must put $value at address 0 with i32.store: address first, then value",
    };
    assert_eq!(
        seen,
        [0x04, 0x03, 0x02, 0x01, 0xAA, 0xAA, 0xAA, 0xAA],
        "store_int(0x01020304) must leave bytes 04 03 02 01 at addresses 0..4 and nothing else changed; \
         JavaScript saw {} at 0..8 (0xAA marks bytes it had set): {why}",
        hex(&seen)
    );
    assert_eq!(int32_at(&module.memory, 0), 0x0102_0304, "an Int32Array over the memory must read the i32 back");
    assert_eq!(
        data_view_i32(&module.memory, 0, true),
        0x0102_0304,
        "DataView.getInt32(0, true) — little-endian — must read the i32 back"
    );
}

#[wasm_bindgen_test]
fn load_int_reads_four_bytes_from_address_0() {
    let module = Module::new();
    data_view_set_i32(&module.memory, 0, 0x1234_5678);
    let seen = module.bytes(0, 4);
    let got = module.call_i32("load_int", &[]);
    let why = if got == 0x78 {
        "it read one byte: i32.load8_u loads 1 byte; i32.load loads 4"
    } else if got == 0x7856_3412 {
        "the bytes were put together in the wrong order: WebAssembly memory is little-endian"
    } else {
        "load_int must i32.load from address 0"
    };
    assert_eq!(
        got,
        0x1234_5678,
        "JavaScript stored 0x12345678 at address 0 (the bytes {}); load_int() returned {got:#x}: {why}",
        hex(&seen)
    );
    module.call("store_int", &[-123_456]);
    assert_eq!(module.call_i32("load_int", &[]), -123_456, "load_int() must return what store_int(-123456) stored");
}

#[wasm_bindgen_test]
fn store_byte_writes_one_byte_at_its_address() {
    let module = Module::new();
    module.mark(96, 12);
    module.call("store_byte", &[100, 0x1FF]);
    let seen = module.bytes(96, 12);
    let mut expected = [0xAA; 12];
    expected[4] = 0xFF;
    let why = if seen[5..8] == [0x01, 0x00, 0x00] {
        "it wrote 4 bytes: i32.store writes the whole i32; i32.store8 writes only its low byte"
    } else if seen[5] == 0x01 && seen[6..8] == [0xAA, 0xAA] {
        "it wrote 2 bytes, FF 01: i32.store16 writes the low 16 bits; i32.store8 writes only the low byte"
    } else if seen[4] == 0xAA {
        "address 100 is unchanged: push the address first, then the value, then i32.store8"
    } else {
        "i32.store8 keeps the low 8 bits of the value, 0x1FF → FF"
    };
    assert_eq!(
        seen,
        expected,
        "store_byte(100, 0x1FF) must set byte 100 to FF and no other; JavaScript saw {} at 96..108 \
         (0xAA marks bytes it had set): {why}",
        hex(&seen)
    );
    module.call("store_byte", &[65_535, 9]);
    assert_eq!(module.bytes(65_535, 1), [9], "store_byte(65535, 9) must set the last byte of the page");
}

#[wasm_bindgen_test]
fn load_byte_reads_one_byte_as_0_to_255() {
    let module = Module::new();
    data_view_set_i32(&module.memory, 200, 0x5634_12FE);
    let got = module.call_i32("load_byte", &[200]);
    let why = match got {
        -2 => "it was sign-extended: i32.load8_s reads FE as -2; i32.load8_u reads it as 254",
        0x5634_12FE => "it read 4 bytes: i32.load reads the whole i32; i32.load8_u reads one byte",
        0x12FE => "it read 2 bytes: i32.load16_u; one byte is i32.load8_u",
        _ => "load_byte must load the one byte at $addr with i32.load8_u",
    };
    assert_eq!(
        got, 254,
        "bytes 200..204 are FE 12 34 56; load_byte(200) returned {got} ({got:#x}), expected 254 (0xFE): {why}"
    );
    module.call("store_byte", &[7, 0x80]);
    assert_eq!(module.call_i32("load_byte", &[7]), 128, "load_byte must read back what store_byte(7, 0x80) stored");
}

#[wasm_bindgen_test]
fn store_int_big_endian_writes_the_most_significant_byte_first() {
    let module = Module::new();
    module.mark(296, 12);
    module.call("store_int_big_endian", &[300, 0x0102_0304]);
    let seen = module.bytes(296, 12);
    let mut expected = [0xAA; 12];
    expected[4..8].copy_from_slice(&[0x01, 0x02, 0x03, 0x04]);
    let why = if seen[4..8] == [0x04, 0x03, 0x02, 0x01] {
        "that is i32.store's little-endian order, least significant byte first; big-endian puts 01 first, so \
         store the four bytes one by one (i32.store8), shifting each down with i32.shr_u"
    } else {
        "each i32.store8 stores the low 8 bits of its value: shift right by 24, 16, 8 and 0, at addresses \
         $addr + 0, 1, 2 and 3 (i32.store8 offset=1 adds 1)"
    };
    assert_eq!(
        seen,
        expected,
        "store_int_big_endian(300, 0x01020304) must leave 01 02 03 04 at 300..304 and nothing else changed; \
         JavaScript saw {} at 296..308 (0xAA marks bytes it had set): {why}",
        hex(&seen)
    );
    module.call("store_int_big_endian", &[400, 0xF0E0_D0C0_u32 as i32]);
    assert_eq!(
        data_view_i32(&module.memory, 400, false),
        0xF0E0_D0C0_u32 as i32,
        "DataView.getInt32(400, false) — big-endian — must read back what store_int_big_endian(400, 0xF0E0D0C0) \
         stored; the bytes are {}",
        hex(&module.bytes(400, 4))
    );
}
