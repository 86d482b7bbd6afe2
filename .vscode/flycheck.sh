#!/usr/bin/env bash
# rust-analyzer's check on save (settings.json), run once per workspace from
# that workspace's root, printing cargo's JSON diagnostics as rust-analyzer
# reads them. The exercises, solutions and mix are WebAssembly code and are
# checked for wasm32 (a host check would report `core::arch::wasm32` as
# missing); the grader runs on this machine and is checked for the host.
# Builds go to target/rust-analyzer, never to the directory the grader uses.
set -u
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target/rust-analyzer}"
json=--message-format=json-diagnostic-rendered-ansi
status=0
if [ -f course.toml ]; then
    cargo check --workspace --exclude grader --all-targets --target wasm32-unknown-unknown "$json" || status=$?
    cargo check -p grader --all-targets "$json" || status=$?
else
    cargo check --workspace --all-targets --target wasm32-unknown-unknown "$json" || status=$?
fi
exit "$status"
