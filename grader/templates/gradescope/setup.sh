#!/usr/bin/env bash
# Gradescope autograder setup: runs once, as root, when Gradescope builds the
# autograder image, with this course (the instructor's pristine copy, the
# reference) unpacked in /autograder/source. Zip the course repository with
# this file and run_autograder at the top of the zip (see README.md,
# "Classroom CI").
#
# Installs what grading needs — a headless Chromium and its chromedriver,
# the Rust toolchain pinned in rust-toolchain.toml with the wasm32 target,
# wasm-pack and the wasm-bindgen-cli pinned in Cargo.lock — builds the
# grader, and grades the pristine course once so that the WASM dependencies
# are compiled in the image, not once per submission.
set -euo pipefail
source_dir=${AUTOGRADER_ROOT:-/autograder}/source
cd "$source_dir"

export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq curl ca-certificates build-essential pkg-config libssl-dev >/dev/null
# Debian ships chromium and chromium-driver as packages; on Ubuntu images,
# where chromium is a snap, install Google Chrome and the matching
# chromedriver instead and set CHROMEDRIVER in run_autograder.
apt-get install -y -qq chromium chromium-driver >/dev/null

if ! command -v cargo >/dev/null; then
    curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal
fi
export PATH="$HOME/.cargo/bin:$PATH"
rustup show active-toolchain || rustup toolchain install
rustup target add wasm32-unknown-unknown

pinned=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/"/, "", $3); print $3 }' Cargo.lock)
cargo install --locked wasm-pack || cargo install wasm-pack
cargo install --locked wasm-bindgen-cli --version "=$pinned" || cargo install wasm-bindgen-cli --version "=$pinned"

cargo build --release -p grader
# Warm the build cache with the reference solutions' dependencies; the
# result does not matter here.
target/release/grader verify --no-install || true
