#!/usr/bin/env bash
# Runs the benchmark suites in BenchmarkDotNet's short mode and writes the results to
# benchmarks/results/ (markdown tables). Takes a few minutes on a 2-core machine.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
dotnet run -c Release --project benchmarks/AuditGen.Benchmarks -- \
  --filter '*' --job short --exporters github --artifacts benchmarks/results "$@"
