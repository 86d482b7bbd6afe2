#!/usr/bin/env bash
# Builds a mix core for the page into mix/www/pkg (or $2):
#   bash mix/www/build.sh mix             # your core
#   bash mix/www/build.sh solutions/mix   # the reference
# The crates stay rlib-only (a cdylib of both, with the same library name,
# would collide in the shared target directory), so the cdylib is asked of
# `cargo rustc` here and then given its JavaScript glue by wasm-bindgen.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
crate=${1:?which crate: mix or solutions/mix}
out=${2:-$root/mix/www/pkg}
target=${CARGO_TARGET_DIR:-$root/target}/mix-web
(cd "$root/$crate" && CARGO_TARGET_DIR=$target cargo rustc --quiet --lib --crate-type cdylib --target wasm32-unknown-unknown)
wasm-bindgen --target web --out-dir "$out" --out-name mix "$target/wasm32-unknown-unknown/debug/mix.wasm"
echo "built $crate into $out"
