#!/usr/bin/env bash
# Runs every AuditGen test, from a fresh clone, with only the .NET 10 SDK installed.
# It builds the whole solution with warnings as errors first (samples and test apps included,
# so they cannot rot), then runs each test project and prints one closing line:
#   tests: N passed, N failed, N skipped
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# Test prerequisites beyond the SDK are installed here when missing (Debian packages):
# PostgreSQL for the shared store's tests (they start their own server on 127.0.0.1),
# Chromium for the viewer's browser tests (Playwright drives /usr/bin/chromium; no browser download),
# clang with zlib's headers for the Native AOT test (it publishes a test app with PublishAot),
# Node.js for the independent verifier of proven exports (tests/IndependentVerifiers, Node's own crypto only),
# npm for s3rver, the real S3-compatible server the S3 sink's tests write to,
# and rsyslog with its TLS and RELP modules, the real syslog receiver of the syslog sink's tests.
missing=()
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || missing+=(postgresql)
[[ -x /usr/bin/chromium ]] || missing+=(chromium)
command -v clang >/dev/null || command -v clang-14 >/dev/null || missing+=(clang)
compgen -G "/usr/lib/*/libz.so" >/dev/null || missing+=(zlib1g-dev)
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
command -v rsyslogd >/dev/null || missing+=(rsyslog)
compgen -G "/usr/lib/*/rsyslog/lmnsd_gtls.so" >/dev/null || missing+=(rsyslog-gnutls)
compgen -G "/usr/lib/*/rsyslog/imrelp.so" >/dev/null || missing+=(rsyslog-relp)
sudo=""
[[ "$(id -u)" -eq 0 ]] || sudo="sudo"
if [[ ${#missing[@]} -gt 0 ]]; then
  echo "installing test prerequisites: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

command -v s3rver >/dev/null || $sudo npm install --global --no-audit --no-fund --loglevel=error s3rver@3.7.1

dotnet build AuditGen.sln -c Debug -warnaserror -nologo -v:minimal

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
status=0
dotnet test AuditGen.sln -c Debug --no-build -nologo 2>&1 | tee "$log" || status=$?

# dotnet test prints one summary per test assembly:
#   Passed!  - Failed:     0, Passed:    55, Skipped:     0, Total:    55, Duration: ...
summary="$(sed -nE 's/.*(Passed|Failed)! +- Failed: +([0-9]+), Passed: +([0-9]+), Skipped: +([0-9]+).*/\2 \3 \4/p' "$log" \
  | awk '{ f += $1; p += $2; s += $3 } END { printf "%d %d %d", p, f, s }')"
read -r passed failed skipped <<<"$summary"

echo "tests: ${passed} passed, ${failed} failed, ${skipped} skipped"
if [[ "$passed" -eq 0 ]]; then
  echo "error: no test ran" >&2
  exit 1
fi
exit "$status"
