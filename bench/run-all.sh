#!/usr/bin/env bash
# Runs every benchmark (each writes bench/results/<name>.json) and prints one markdown table of all figures.
# Not part of the test command's pass or fail. Knobs: CLAYBUS_BENCH_QUICK=1 for short runs (smoke only).
#   bench/run-all.sh            build and run all, then print the table (about 30 minutes on 2 cores; PriorityBench alone about 9)
#   bench/run-all.sh --table    only print the table from the committed results
set -uo pipefail
cd "$(dirname "$0")/.."
export MASSTRANSIT_USAGE_TELEMETRY=false DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

if [ "${1:-}" != "--table" ]; then
  scripts/infra.sh up
  started=$(date +%s)
  # Each benchmark builds only what it runs, so one broken project elsewhere does not stop the others.
  # ClaySimBench starts ClaySim from its build output without referencing it.
  dotnet build tools/ClaySim -c Release -nologo -clp:ErrorsOnly -v q || echo "ClaySim did not build"
  for project in bench/*/*.csproj; do
    name=$(basename "$(dirname "$project")")
    echo "== $name"
    since=$(date +%s)
    if dotnet build "$project" -c Release -nologo -clp:ErrorsOnly -v q; then
      dotnet run --no-build -c Release --project "$project" || echo "$name failed (its figures are not updated)"
    else
      echo "$name did not build (its figures are not updated)"
    fi
    echo "== $name took $(( $(date +%s) - since )) s"
  done
  echo "== all benchmarks took $(( $(date +%s) - started )) s"
fi

python3 - <<'PY'
import json, glob, os
rows = []
for path in sorted(glob.glob("bench/results/*.json")):
    with open(path) as f:
        data = json.load(f)
    for key, value in data.get("figures", {}).items():
        rows.append((data.get("benchmark", os.path.basename(path)), key, value))
print("| benchmark | figure | value |")
print("| --- | --- | --- |")
for bench, key, value in rows:
    if isinstance(value, float) and 0 < abs(value) < 1:
        shown = f"{value:.4g}"  # shares such as rate_use (0.9987) and fraction_429 (0.00012)
    elif isinstance(value, float) and abs(value) < 10:
        shown = f"{value:,.3f}"
    else:
        shown = f"{value:,.0f}" if isinstance(value, (int, float)) else str(value)
    print(f"| {bench} | {key} | {shown} |")
PY
