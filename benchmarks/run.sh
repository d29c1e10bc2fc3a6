#!/usr/bin/env bash
# Runs every benchmark in BenchmarkDotNet's short mode, then the strict-mode latency driver, and writes the
# results to benchmarks/results/ (BenchmarkDotNet's markdown tables, and strict-latency.md). About 5 minutes
# on a 2-core machine. Extra arguments go to BenchmarkDotNet (e.g. --filter '*RequestPath*').
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
results="$root/benchmarks/results"
mkdir -p "$results"
dotnet build -c Release benchmarks/AuditGen.Benchmarks
dotnet run -c Release --no-build --project benchmarks/AuditGen.Benchmarks -- \
  --filter '*' --job short --exporters github --artifacts "$results" "$@"
dotnet run -c Release --no-build --project benchmarks/AuditGen.Benchmarks -- strict-latency 1000 10 | tee "$results/strict-latency.md"
echo "results: $results"
