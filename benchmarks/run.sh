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

source "$root/benchmarks/postgres.sh"

dotnet build -c Release benchmarks/AuditGen.Benchmarks
selection=("$@")
[[ ${#selection[@]} -gt 0 ]] || selection=(--filter '*')
dotnet run -c Release --no-build --project benchmarks/AuditGen.Benchmarks -- \
  --job short --exporters github --artifacts "$results" "${selection[@]}"
dotnet run -c Release --no-build --project benchmarks/AuditGen.Benchmarks -- strict-latency 1000 10 | tee "$results/strict-latency.md"
bash benchmarks/wrk.sh | tee "$results/wrk.md"
echo "results: $results"
