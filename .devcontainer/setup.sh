#!/usr/bin/env bash
# The devcontainer's set-up (postCreateCommand), also run by the project's
# tests on a copy of the course: everything `cargo run -p grader` needs,
# installed and built ahead, so that the student's first report comes in
# seconds. Safe to run again: what is there already is kept.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$SECONDS
step() { echo "==> $1 ($((SECONDS - started)) s so far)"; }

# The image is Debian: its Chromium and ChromeDriver, from apt.
if ! command -v chromedriver > /dev/null || ! { command -v chromium || command -v google-chrome; } > /dev/null; then
    step "Chromium and ChromeDriver (apt-get, about a minute)"
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -q
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q chromium chromium-driver
fi

# The wasm32 target and the wasm-bindgen-cli pinned in Cargo.lock (its
# test runner): the grader installs what is missing and says so.
step "the grader's tools (grader setup)"
cargo run -q -p grader -- setup

# Every exercise built once, by grading the course as shipped (it does not
# pass yet: that is the point of the course, and not an error here).
step "every exercise built (a first grade)"
status=0
cargo run -q -p grader -- --format json > /dev/null || status=$?
if [ "$status" -ne 0 ] && [ "$status" -ne 1 ]; then
    echo "The first grade could not run (exit $status): cargo run -p grader says why." >&2
    exit "$status"
fi
step "ready"
