#!/usr/bin/env bash
# Python zeep next to the generated Rust code, on the same WSDL and the same messages, in one run:
#
#   bash benches/zeep/run.sh
#
# 1. creates a virtualenv under target/ and installs zeep (pinned, with its dependencies pinned
#    in benches/zeep/requirements.txt) from PyPI;
# 2. runs the Rust side: `cargo bench --bench xml` for the Rescue messages, which also writes
#    them to target/bench-messages/;
# 3. times zeep writing the setGroup_v2 request and reading the two responses
#    (benches/zeep/bench.py), printing the figures in criterion's units.
set -euo pipefail
cd "$(dirname "$0")/../.."
target="${CARGO_TARGET_DIR:-target}"
venv="$target/zeep-venv"
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
"$venv/bin/pip" install --quiet --disable-pip-version-check -r benches/zeep/requirements.txt
cargo bench --bench xml -- 'set_group_v2|get_session_v3'
"$venv/bin/python" benches/zeep/bench.py
