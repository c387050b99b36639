#!/usr/bin/env bash
# Runs every benchmark (each writes bench/results/<name>.json) and prints one markdown table of all figures.
# Not part of the test command's pass or fail. Knobs: CLAYBUS_BENCH_QUICK=1 for short runs.
#   bench/run-all.sh            run all, then print the table
#   bench/run-all.sh --table    only print the table from the committed results
set -uo pipefail
cd "$(dirname "$0")/.."
export MASSTRANSIT_USAGE_TELEMETRY=false DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

if [ "${1:-}" != "--table" ]; then
  scripts/infra.sh up
  dotnet build ClayBus.sln -c Release -nologo -clp:ErrorsOnly -v q || exit 1
  for project in bench/*/*.csproj; do
    name=$(basename "$(dirname "$project")")
    echo "== $name"
    dotnet run --no-build -c Release --project "$project" || echo "$name failed (its figures are not updated)"
  done
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
    shown = f"{value:,.3f}" if isinstance(value, float) and abs(value) < 10 else (f"{value:,.0f}" if isinstance(value, (int, float)) else str(value))
    print(f"| {bench} | {key} | {shown} |")
PY
