#!/usr/bin/env bash
# The build script's cost, in the release profile:
#
#   bash benches/build_script.sh
#
# 1. `cargo build --release` with nothing changed, timed: cargo does not run the build script
#    (every file the generator reads is registered with `cargo:rerun-if-changed`), so this is
#    cargo's own up-to-date check;
# 2. the build script itself, run the way cargo runs it after a cached WSDL changes (from the
#    package root, OUT_DIR set), three times: it generates the five vendor modules.
set -euo pipefail
cd "$(dirname "$0")/.."
target="${CARGO_TARGET_DIR:-target}"
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { print b - a }'; }

cargo build --release --quiet
start=$(now)
cargo build --release --quiet
end=$(now)
printf 'no-change `cargo build --release`: %.3f s (the build script does not run)\n' "$(elapsed "$start" "$end")"

script=$(ls -t "$target"/release/build/wsclient-????????????????/build-script-build | head -1)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for run in 1 2 3; do
    start=$(now)
    OUT_DIR="$out" "$script" > /dev/null
    end=$(now)
    printf 'build script run %d (generates %s lines): %.3f s\n' "$run" \
        "$(cat "$out"/*.rs | wc -l)" "$(elapsed "$start" "$end")"
done
