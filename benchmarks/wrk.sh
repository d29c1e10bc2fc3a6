#!/usr/bin/env bash
# End to end over HTTP (issue 8, item 2): the benchmark app (Release, embedded SQLite store, events stored and chained)
# on 127.0.0.1 under wrk, an unaudited endpoint and its audited twin, interleaved: three rounds of each, 10 s per run.
# Prints a markdown table with each run, the means and the ratio. wrk is Debian's package (installed when missing).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
if ! command -v wrk >/dev/null; then
  sudo=""; [[ "$(id -u)" -eq 0 ]] || sudo="sudo"
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends wrk >/dev/null
fi

duration="${WRK_DURATION:-10s}"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
data="$(mktemp -d /tmp/auditgen-wrk-XXXXXX)"
dotnet build -c Release benchmarks/AuditGen.BenchmarkApp -nologo -v:quiet >/dev/null
AuditGen__Sqlite__Path="$data/audit.db" dotnet artifacts/bin/AuditGen.BenchmarkApp/release/AuditGen.BenchmarkApp.dll --urls "http://127.0.0.1:$port" >"$data/app.log" 2>&1 &
app=$!
trap 'kill $app 2>/dev/null; wait $app 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/orgs/org_bench/plain/inv_1" >/dev/null && break; sleep 0.2; done

# The app's CPU time so far, in clock ticks (user + system, from /proc).
cpu() { awk '{ print $14 + $15 }' "/proc/$app/stat"; }

# Prints requests/s. The audited runs' answered requests are added up in $data/answered, and each run's app CPU
# ticks and requests in $data/cpu-<endpoint>, for the CPU per request.
run() {
  local before out; before="$(cpu)"
  out="$(wrk -t2 -c32 -d"$duration" --latency "http://127.0.0.1:$port/orgs/org_bench/$1/inv_1")"
  echo "$(( $(cpu) - before )) $(awk '/requests in/ { print $1 }' <<<"$out")" >>"$data/cpu-$1"
  [[ "$1" == audited ]] && awk '/requests in/ { print $1 }' <<<"$out" >>"$data/answered"
  awk '/Requests\/sec/ { print $2 }' <<<"$out"
}
run plain >/dev/null; run audited >/dev/null   # warm-up
declare -a plain audited
for round in 1 2 3; do
  plain+=("$(run plain)")
  audited+=("$(run audited)")
done

echo "| round | unaudited (requests/s) | audited (requests/s) |"
echo "|---:|---:|---:|"
for i in 0 1 2; do echo "| $((i + 1)) | ${plain[$i]} | ${audited[$i]} |"; done
python3 - "${plain[@]}" "${audited[@]}" <<'PY'
import sys
values = [float(v) for v in sys.argv[1:]]
plain, audited = values[:3], values[3:]
mean = lambda xs: sum(xs) / len(xs)
print(f"| mean | {mean(plain):,.0f} | {mean(audited):,.0f} |")
print()
print(f"audited / unaudited = {mean(audited) / mean(plain):.3f}")
PY
# CPU per request over the measured rounds (the warm-up, the first line of each file, left out).
ticks="$(getconf CLK_TCK)"
per_request() { tail -n +2 "$data/cpu-$1" | awk -v t="$ticks" '{ c += $1; r += $2 } END { printf "%.1f", c / t * 1e6 / r }'; }
echo
echo "app CPU per request: unaudited $(per_request plain) µs, audited $(per_request audited) µs (the store's background work included)"

# Stop the app as an orchestrator would (SIGTERM: the queue drains, the store integrates), then count what it stored.
kill -TERM $app; wait $app 2>/dev/null || true
echo
echo "audited requests answered: $(awk '{ n += $1 } END { print n }' "$data/answered")"
echo "events stored: $(dotnet run --project src/AuditGen.Cli -- stats --db "$data/audit.db" 2>/dev/null | head -1 || true)"
