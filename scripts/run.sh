#!/usr/bin/env bash
# livesop's main job on a fresh Debian 12 machine: installs what is missing,
# builds the `livesop` binary, checks the example Marketing Operations SOP and
# writes its manual (Markdown with SVG diagrams, and one self-contained HTML
# file), then prints where the manual went.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build --target livesop

sop=examples/marketing-ops/sop.yaml
out=out/manual
echo
./build/livesop check "$sop"
./build/livesop render "$sop" --format md -o "$out/marketing-ops.md"
./build/livesop render "$sop" --format html -o "$out/marketing-ops.html"
echo
echo "The manual of the example department is in $(pwd)/$out/:"
echo "  $out/marketing-ops.html  (open it in a browser)"
echo "  $out/marketing-ops.md    (diagrams in $out/diagrams/)"
