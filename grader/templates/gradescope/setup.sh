#!/usr/bin/env bash
# Gradescope autograder setup: runs once, as root, when Gradescope builds the
# autograder image, with the course's student edition (the reference: every
# protected file, no solutions) unpacked in /autograder/source. Make the zip
# from `grader edition DIR` with this file and run_autograder at its top
# (docs/classroom.md, "Templates"); a zip that holds the solutions is
# refused before anything is installed (check_edition).
#
# Installs what grading needs — a headless Chromium and its chromedriver,
# the Rust toolchain pinned in rust-toolchain.toml with the wasm32 target,
# and the wasm-bindgen-cli pinned in Cargo.lock — builds the
# grader, and grades the untouched course once in /autograder/work, where
# submissions are built, so that a submission compiles only its own crates.
set -euo pipefail
source_dir=${AUTOGRADER_ROOT:-/autograder}/source
bash "$source_dir/grader/templates/gradescope/check_edition"
cd "$source_dir"

export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq curl ca-certificates build-essential pkg-config libssl-dev >/dev/null
# A headless browser the grader finds on PATH. Debian packages chromium and
# its driver. Gradescope's base images are Ubuntu, where chromium is only a
# snap (no snapd in a container): there, Google Chrome's own package, and the
# chromedriver of exactly its version from Chrome for Testing.
. /etc/os-release
if [ "${ID:-}" = debian ]; then
    apt-get install -y -qq chromium chromium-driver >/dev/null
else
    apt-get install -y -qq unzip >/dev/null
    curl -fsSL -o /tmp/google-chrome.deb https://dl.google.com/linux/direct/google-chrome-stable_current_amd64.deb
    apt-get install -y -qq /tmp/google-chrome.deb >/dev/null
    chrome_version=$(google-chrome --version | awk '{ print $NF }')
    curl -fsSL -o /tmp/chromedriver.zip \
        "https://storage.googleapis.com/chrome-for-testing-public/$chrome_version/linux64/chromedriver-linux64.zip"
    unzip -q -o -j /tmp/chromedriver.zip chromedriver-linux64/chromedriver -d /usr/local/bin
fi
chromedriver --version

if ! command -v cargo >/dev/null; then
    curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal
fi
export PATH="$HOME/.cargo/bin:$PATH"
rustup show active-toolchain || rustup toolchain install
rustup target add wasm32-unknown-unknown

pinned=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/"/, "", $3); print $3 }' Cargo.lock)
# No default features: they are TLS for a WebDriver reached over https, and the drivers here listen on localhost.
cargo install --locked --no-default-features wasm-bindgen-cli --version "=$pinned" || cargo install --no-default-features wasm-bindgen-cli --version "=$pinned"

cargo build --release -p grader
# Compile everything where submissions are built (see warm).
bash "$source_dir/grader/templates/gradescope/warm"
