#!/usr/bin/env bash
# The README's test command, and the only thing .ci/run calls. Ends with the plain total "N passed, N failed"; exit
# code 0 only if every check and every test passed.
#   scripts/test.sh                 everything: installs and starts RabbitMQ, Redis and the prerequisites, builds,
#                                   checks formatting and the deployment files, runs every test project
#   scripts/test.sh --fast          only the specs without the Integration trait: needs nothing installed or running
#   CLAYBUS_FULL=1 scripts/test.sh  the full counts of the end-to-end and fault suites
#   CLAYBUS_CLUSTER=0 scripts/test.sh  everything but the node-loss scenarios, which otherwise run last on a local
#                                   3-node RabbitMQ and Sentinel Redis (scripts/cluster.sh, booted while the build
#                                   runs; about 4 minutes on 2 cores); CLAYBUS_CLUSTER=1 adds them to a --filter run
#   scripts/test.sh --filter X      only tests matching a dotnet test filter (skips the checks); combines with --fast
# Parallelism (2 cores): CLAYBUS_TEST_JOBS projects at once before the end-to-end suite (default 2), and
# CLAYBUS_E2E_LANES end-to-end classes at once (default 2; 1 runs them one after another).
set -uo pipefail
cd "$(dirname "$0")/.."
export MASSTRANSIT_USAGE_TELEMETRY=false DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

fast=""; filter=""
while [ $# -gt 0 ]; do
  case "$1" in
    --fast) fast=1; shift ;;
    --filter) filter="${2:?--filter needs an expression}"; shift 2 ;;
    *) echo "unknown option '$1' (use --fast and/or --filter X)"; echo "0 passed, 1 failed"; exit 2 ;;
  esac
done
# Test hosts watch their configuration files, and projects side by side pass Linux's default of 128 inotify
# instances: raise it where we may, else the hosts poll instead.
if [ "$(cat /proc/sys/fs/inotify/max_user_instances 2>/dev/null || echo 8192)" -lt 1024 ]; then
  sysctl -qw fs.inotify.max_user_instances=1024 >/dev/null 2>&1 || export DOTNET_USE_POLLING_FILE_WATCHER=true
fi
jobs_at_once="${CLAYBUS_TEST_JOBS:-2}"
e2e_lanes="${CLAYBUS_E2E_LANES:-2}"

results="TestResults/run-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$results"
cluster_pid=""
if [ -n "$fast" ]; then
  # The fixtures read this and fail at once, naming the missing trait, if an unmarked test reaches for a server.
  export CLAYBUS_TEST_LANE=fast
  filter="${filter:+($filter)&}Category!=Integration"
else
  scripts/infra.sh up || { echo "infrastructure did not come up"; echo "0 passed, 1 failed"; exit 1; }
  scripts/prerequisites.sh || { echo "test prerequisites could not be installed"; echo "0 passed, 1 failed"; exit 1; }
  # The production topology for the node-loss scenarios, booting while the build runs (idempotent): in every full
  # run unless CLAYBUS_CLUSTER=0; with a filter, when it names Cluster or CLAYBUS_CLUSTER=1.
  if [ "${CLAYBUS_CLUSTER:-}" = 1 ] || { [ "${CLAYBUS_CLUSTER:-}" != 0 ] && { [ -z "$filter" ] || [[ "$filter" == *Cluster* ]]; }; }; then
    scripts/cluster.sh up >"$results/cluster-up.log" 2>&1 &
    cluster_pid=$!
  fi
fi

checks_failed=0
echo "== build"
if ! dotnet build ClayBus.sln -c Debug -nologo -clp:ErrorsOnly -warnaserror; then
  echo "build failed"; echo "0 passed, 1 failed"; exit 1
fi

# Formatting and the deployment files; prints its findings and returns how many failed. The build above already
# failed on every code-style and analyzer rule (EnforceCodeStyleInBuild, .editorconfig severities); what is left is
# whitespace, checked file by file without loading the solution (seconds, not the 1.5 min of a full `dotnet format`).
run_checks() {
  local failed=0
  echo "== checks"
  if dotnet format whitespace --folder --verify-no-changes -v q --exclude '**/bin/**' '**/obj/**'; then echo "format: clean"
  else echo "format: 'dotnet format ClayBus.sln' would change files (run it and commit)"; failed=$((failed + 1)); fi
  if scripts/check-deploy.sh; then echo "deploy files: valid"
  else echo "deploy files: invalid (see above)"; failed=$((failed + 1)); fi
  return "$failed"
}

echo "== tests"
tests_started=$SECONDS
projects=(tests/*.Tests/*.Tests.csproj)
args=(--no-build -c Debug --results-directory "$results" --logger "console;verbosity=normal")

# One run of the tests of project $1 that match filter $3 (none: all), its report and log named $2; the console output
# is printed whole when the run ends, so parallel runs do not interleave. Further arguments go to dotnet test.
run_part() {
  local project=$1 name=$2 tests=$3; shift 3
  local started=$SECONDS selection=()
  [ -n "$tests" ] && selection=(--filter "$tests")
  dotnet test "$project" "${args[@]}" "${selection[@]}" --logger "trx;LogFileName=$name.trx" "$@" >"$results/$name.log" 2>&1
  { echo "-- $name ($((SECONDS - started)) s)"; cat "$results/$name.log"; }
}

run_project() { run_part "$1" "$(basename "$1" .csproj)" "$filter"; }

# The caller's filter, if any, and $1.
and_filter() { echo "${filter:+($filter)&}$1"; }

# Runs the given projects, at most $1 at a time. Waits on its own runs only: the cluster may still be booting beside it.
run_pool() {
  local width=$1 pids=(); shift
  for project in "$@"; do
    while [ "$(jobs -rp | grep -cvx "${cluster_pid:-none}")" -ge "$width" ]; do wait -n "${pids[@]}"; done
    run_project "$project" &
    pids+=($!)
  done
  [ ${#pids[@]} -eq 0 ] || wait "${pids[@]}"
}

end_to_end=tests/EndToEnd.Tests/EndToEnd.Tests.csproj
# The longest projects with servers first (ServiceDefaults ~100 s, Enricher ~80 s, Monitor ~65 s), so the last one to
# start is short and the pool's two lanes end together; any other project follows in name order.
longest_first=(tests/ServiceDefaults.Tests/ServiceDefaults.Tests.csproj tests/Enricher.Tests/Enricher.Tests.csproj tests/Monitor.Tests/Monitor.Tests.csproj)
ordered=()
for project in "${longest_first[@]}"; do [ -e "$project" ] && ordered+=("$project"); done
for project in "${projects[@]}"; do [[ " ${ordered[*]} " == *" $project "* ]] || ordered+=("$project"); done
projects=("${ordered[@]}")
light=() heavy=()
for project in "${projects[@]}"; do
  case "$project" in
    "$end_to_end") ;;
    # No broker, Redis or process: cheap enough to share the machine with the end-to-end suite.
    tests/Cli.Tests/* | tests/ClaySim.Tests/* | tests/Contracts.Tests/*) light+=("$project") ;;
    *) heavy+=("$project") ;;
  esac
done

reports_expected=${#projects[@]}
if [ -n "$fast" ]; then
  run_pool "$jobs_at_once" "${projects[@]}"
else
  # Projects with servers first, side by side (each test class has its own vhost and Redis prefix): their wall-clock
  # specs (the rate limiter, Kestrel's early 413) misjudge a machine the end-to-end suite also loads. Then the
  # end-to-end suite, two scenarios at a time, with only the light projects beside it; last, the scenarios that
  # restart the machine's RabbitMQ and Redis (trait Servers=Restarted) and the cluster's node-loss scenarios.
  run_pool "$jobs_at_once" "${heavy[@]}"
  CLAYBUS_CLUSTER=0 run_part "$end_to_end" EndToEnd.Tests "$(and_filter 'Servers!=Restarted')" -- "xUnit.MaxParallelThreads=$e2e_lanes" &
  end_to_end_pid=$!
  for project in "${light[@]}"; do run_project "$project"; done
  # The checks cost little CPU (whitespace, a YAML parse, node's schema checks) but wait on disk and npm: beside the
  # end-to-end suite they add nothing to the run. --filter skips them.
  if [ -z "$filter" ]; then run_checks; checks_failed=$((checks_failed + $?)); fi
  wait "$end_to_end_pid"
  # The scenarios that restart the machine's RabbitMQ and Redis, and beside them the production topology's node-loss
  # scenarios on the local cluster (its own nodes and ports): one scenario each at a time, the load of the end-to-end
  # suite's two lanes (a third pipeline beside those slowed every scenario by a third and failed two).
  run_part "$end_to_end" EndToEnd.Tests.Restarts "$(and_filter 'Servers=Restarted')" &
  restarts_pid=$!
  reports_expected=$((reports_expected + 1))
  # A cluster that did not come up fails the run; it is torn down after its part.
  if [ -n "$cluster_pid" ]; then
    if wait "$cluster_pid"; then
      reports_expected=$((reports_expected + 1))
      CLAYBUS_CLUSTER=1 run_part "$end_to_end" EndToEnd.Tests.Cluster "$(and_filter 'FullyQualifiedName~ClusterFailoverSpecs')"
    else
      cat "$results/cluster-up.log"; echo "the local cluster (scripts/cluster.sh up) did not come up: its node-loss scenarios count as failed"
      checks_failed=$((checks_failed + 1))
    fi
    scripts/cluster.sh down >>"$results/cluster-up.log" 2>&1 || echo "scripts/cluster.sh down failed (see $results/cluster-up.log)"
  fi
  wait "$restarts_pid"
fi

passed=0; failed=$checks_failed; reports=0
for trx in "$results"/*.trx; do
  [ -e "$trx" ] || continue
  reports=$((reports + 1))
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  value() { echo "$counters" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p"; }
  passed=$((passed + $(value passed)))
  failed=$((failed + $(value failed) + $(value error) + $(value timeout) + $(value aborted)))
done
if [ "$reports" -lt "$reports_expected" ]; then
  echo "only $reports of $reports_expected test runs reported results (a test host crashed?)"
  failed=$((failed + reports_expected - reports))
fi
echo "tests took $((SECONDS - tests_started)) s"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
