#!/usr/bin/env bash
# tests/browser/test-html.sh: the --html page in a real browser (make test).
#
# One boot of tools/kvm-run makes two pages, each with its JSON trace from
# the same run (run-vmm.sh): the demo, and violation.vmm whose checks fail.
# Then test-html.mjs loads both in Debian's headless chromium (puppeteer-core,
# from tests/browser/node_modules: npm ci fills it from package-lock.json)
# and steps through every operation, comparing what is drawn with the trace.
# The last step's screenshot stays in build/browser/last-step.png.
set -uo pipefail
ROOT=$(cd -P "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT" || exit 2
OUT=build/browser
fail() {
	echo "FAIL  $*"
	exit 1
}

for tool in node npm; do
	command -v "$tool" >/dev/null || fail "$tool is not installed (tools/deps installs nodejs and npm)"
done
[ -x "${CHROMIUM:-/usr/bin/chromium}" ] || fail "no chromium at ${CHROMIUM:-/usr/bin/chromium} (tools/deps installs Debian's chromium)"
[ -x build/bin/vmm ] && [ -f guest.elf ] || fail "build/bin/vmm and guest.elf are not built (make all)"
if [ ! -f tests/browser/node_modules/puppeteer-core/package.json ]; then
	echo "test-html: npm ci in tests/browser (puppeteer-core, from package-lock.json)"
	(cd tests/browser && npm ci --no-audit --no-fund) || fail "npm ci in tests/browser failed"
fi

mkdir -p "$OUT"
rm -f "$OUT"/demo.* "$OUT"/bad.* "$OUT"/last-step.png
tools/kvm-run tests/browser/run-vmm.sh "$OUT"
rc=$?
[ "$rc" -eq 0 ] || fail "tools/kvm-run tests/browser/run-vmm.sh: status $rc"
demo_rc=$(cat "$OUT/demo.rc" 2>/dev/null)
[ "$demo_rc" = 0 ] || { tail -5 "$OUT/demo.txt"; fail "the demo: expected exit status 0, got '${demo_rc}'"; }
echo "ok    the demo ran: $(tail -1 "$OUT/demo.txt")"
bad_rc=$(cat "$OUT/bad.rc" 2>/dev/null)
[ "$bad_rc" = 76 ] || { tail -5 "$OUT/bad.txt"; fail "violation.vmm with novmallocfault: expected exit status 76 (violations), got '${bad_rc}'"; }
echo "ok    violation.vmm failed its checks: $(tail -1 "$OUT/bad.txt")"

node tests/browser/test-html.mjs "$OUT/demo.html" "$OUT/demo.json" "$OUT/bad.html" "$OUT/bad.json" \
	"$OUT/last-step.png" || fail "the page in the browser (above)"
[ -s "$OUT/last-step.png" ] || fail "no screenshot at $OUT/last-step.png"
echo "ok    the pages in headless chromium; screenshot $OUT/last-step.png"
