#!/usr/bin/env bash
# Builds a mix core for the page into mix/www/pkg (or $2):
#   bash mix/www/build.sh mix             # your core
#   bash mix/www/build.sh solutions/mix   # the reference
# The crates stay rlib-only, so the cdylib is asked of `cargo rustc` here and
# then given its JavaScript glue by wasm-bindgen. Each crate builds in a
# target directory of its own: both libraries are named mix, and a cdylib's
# file has no hash in its name, so in one directory a build that cargo finds
# fresh would leave the other crate's module in place. A release build: the
# page is for editing 10 MB files, not for debugging the core.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
crate=${1:?which crate: mix or solutions/mix}
out=${2:-$root/mix/www/pkg}
target=${CARGO_TARGET_DIR:-$root/target}/mix-web/${crate//\//-}
(cd "$root/$crate" && CARGO_TARGET_DIR=$target cargo rustc --quiet --release --lib --crate-type cdylib --target wasm32-unknown-unknown)
wasm-bindgen --target web --out-dir "$out" --out-name mix "$target/wasm32-unknown-unknown/release/mix.wasm"
echo "built $crate into $out"
