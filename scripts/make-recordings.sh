#!/usr/bin/env bash
# Regenerates the committed recordings in recordings/ and their expected
# console output. Run after a deliberate format or behaviour change (and bump
# FORMAT_VERSION in src/replay/recording-file.ts if old files no longer replay).
set -euo pipefail
cd "$(dirname "$0")/.."
[ "${SKIP_BUILD:-}" = 1 ] || npm run build --silent
rv() { node bin/retrovisor.js "$@"; }
out=recordings
rv record -o $out/hello.rvr guests/build/hello.elf -- recorded arguments > /dev/null || true
rv record -o $out/uart-echo.rvr --input $out/inputs/uart-echo.script guests/build/uart-echo.elf > /dev/null
(cd guests/inputs && node ../../bin/retrovisor.js record -o ../../$out/inputs.rvr --semihost-root . \
  --input ../../$out/inputs/inputs.script ../build/inputs.elf > /dev/null)
rv record -o $out/timer.rvr guests/build/timer.elf > /dev/null
rv record -o $out/mini-kernel.rvr guests/build/mini-kernel.elf -- trace > /dev/null
rv record -o $out/crc32.rvr guests/build/crc32.elf -- 2 > /dev/null
for f in $out/*.rvr; do
  rv replay --quiet --verify "$f" || true
  rv replay "$f" > "${f%.rvr}.stdout" || true
done
ls -l $out
