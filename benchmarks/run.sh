#!/usr/bin/env bash
# Runs every benchmark in BenchmarkDotNet's short mode, then the strict-mode latency driver and the wrk comparison,
# and writes the results to benchmarks/results/ (BenchmarkDotNet's markdown tables, strict-latency.md, wrk.md).
# It takes 6 to 7 minutes on a fresh clone on a 2-core machine. A PostgreSQL server is started on 127.0.0.1 for the store benchmark (Debian's
# postgresql package, installed when missing) and stopped at the end. Arguments replace the default
# `--filter '*'` given to BenchmarkDotNet (e.g. --filter '*RequestPath*').
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
results="$root/benchmarks/results"
mkdir -p "$results"

as_postgres() { if [[ "$(id -u)" -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }
if ! compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null; then
  sudo=""; [[ "$(id -u)" -eq 0 ]] || sudo="sudo"
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends postgresql >/dev/null
fi
pg_bin="$(dirname "$(compgen -G "/usr/lib/postgresql/*/bin/initdb" | head -1)")"
pg_dir="$(mktemp -d /tmp/auditgen-bench-pg-XXXXXX)"
pg_port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
[[ "$(id -u)" -ne 0 ]] || chown postgres:postgres "$pg_dir"
as_postgres "$pg_bin/initdb" -D "$pg_dir/data" -U postgres --auth=trust -E UTF8 >/dev/null
as_postgres "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/server.log" -w -o "-p $pg_port -k $pg_dir -c listen_addresses=127.0.0.1" start >/dev/null
trap 'as_postgres "$pg_bin/pg_ctl" -D "$pg_dir/data" -m fast -w stop >/dev/null; rm -rf "$pg_dir"' EXIT
export AUDITGEN_BENCH_POSTGRES="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=postgres"

dotnet build -c Release benchmarks/AuditGen.Benchmarks
selection=("$@")
[[ ${#selection[@]} -gt 0 ]] || selection=(--filter '*')
dotnet run -c Release --no-build --project benchmarks/AuditGen.Benchmarks -- \
  --job short --exporters github --artifacts "$results" "${selection[@]}"
dotnet run -c Release --no-build --project benchmarks/AuditGen.Benchmarks -- strict-latency 1000 10 | tee "$results/strict-latency.md"
bash benchmarks/wrk.sh | tee "$results/wrk.md"
echo "results: $results"
