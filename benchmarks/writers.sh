#!/usr/bin/env bash
# Scale-out on PostgreSQL (issue 13): 1, 2 and 4 writer processes appending to one log on one server, side by side in
# one run, each on a fresh schema. Arguments: seconds of appending per run (default 30) and organizations (default 1).
# Writes benchmarks/results/writers.md. Takes about 4 x the seconds given, on a 2-core machine.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
seconds="${1:-30}"
organizations="${2:-1}"
results="$root/benchmarks/results"
mkdir -p "$results"
source "$root/benchmarks/postgres.sh"

dotnet build -c Release benchmarks/AuditGen.Benchmarks >/dev/null
{
  echo "# PostgreSQL writers, $(date -u +%F), $seconds s of appends each"
  for writers in 1 2 4; do
    echo
    dotnet run -c Release --no-build --project benchmarks/AuditGen.Benchmarks -- ledger-pg "$writers" "$seconds" "$organizations"
  done
} | tee "$results/writers.md"
