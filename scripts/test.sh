#!/usr/bin/env bash
# The README's test command, and the only thing .ci/run calls. Installs and starts what the tests need (RabbitMQ,
# Redis, Python's pika for the non-.NET publisher), builds, checks formatting, runs every test project, and ends
# with the plain total "N passed, N failed". Exit code 0 only if every check and every test passed.
#   scripts/test.sh                 the default run (under 30 minutes on 2 cores)
#   CLAYBUS_FULL=1 scripts/test.sh  the full counts of the end-to-end and fault suites
#   scripts/test.sh --filter X      only tests matching a dotnet test filter (skips the checks)
set -uo pipefail
cd "$(dirname "$0")/.."
export MASSTRANSIT_USAGE_TELEMETRY=false DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

filter=""
if [ "${1:-}" = "--filter" ]; then filter="${2:?--filter needs an expression}"; fi

scripts/infra.sh up || { echo "infrastructure did not come up"; echo "0 passed, 1 failed"; exit 1; }
scripts/prerequisites.sh || { echo "test prerequisites could not be installed"; echo "0 passed, 1 failed"; exit 1; }
# The production topology for the node-loss scenarios, started beside the build (it takes a minute on a fresh machine).
cluster_log=$(mktemp)
scripts/cluster.sh up >"$cluster_log" 2>&1 &
cluster_pid=$!

checks_failed=0
echo "== build"
if ! dotnet build ClayBus.sln -c Debug -nologo -clp:ErrorsOnly -warnaserror; then
  echo "build failed"; echo "0 passed, 1 failed"; exit 1
fi

if [ -z "$filter" ]; then
  echo "== checks"
  if dotnet format ClayBus.sln --verify-no-changes --no-restore -v q; then echo "format: clean"
  else echo "format: 'dotnet format ClayBus.sln' would change files (run it and commit)"; checks_failed=$((checks_failed + 1)); fi
  if scripts/check-deploy.sh; then echo "deploy files: valid"
  else echo "deploy files: invalid (see above)"; checks_failed=$((checks_failed + 1)); fi
fi

if ! wait "$cluster_pid"; then
  cat "$cluster_log"; echo "the local cluster (scripts/cluster.sh up) did not come up"; echo "0 passed, 1 failed"; exit 1
fi

echo "== tests"
results="TestResults/run-$(date +%Y%m%d-%H%M%S)"
projects=(tests/*.Tests/*.Tests.csproj)
args=(--no-build -c Debug --results-directory "$results" --logger "console;verbosity=normal")
[ -n "$filter" ] && args+=(--filter "$filter")
# One test project at a time: they share one broker and two cores, and the end-to-end suites time their work.
for project in "${projects[@]}"; do
  echo "-- $project"
  dotnet test "$project" "${args[@]}" --logger "trx;LogFileName=$(basename "$project" .csproj).trx" || true
done

passed=0; failed=$checks_failed; reports=0
for trx in "$results"/*.trx; do
  [ -e "$trx" ] || continue
  reports=$((reports + 1))
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  value() { echo "$counters" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p"; }
  passed=$((passed + $(value passed)))
  failed=$((failed + $(value failed) + $(value error) + $(value timeout) + $(value aborted)))
done
if [ "$reports" -lt "${#projects[@]}" ]; then
  echo "only $reports of ${#projects[@]} test projects reported results (a test host crashed?)"
  failed=$((failed + ${#projects[@]} - reports))
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
