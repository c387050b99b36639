#!/usr/bin/env bash
# The README's first command, the main job: the whole of ClayBus on this machine, on the Clay simulator.
# Brings up RabbitMQ and Redis, builds, starts ClaySim, the Monitor, the Submitter and two Enrichers, submits
# samples/leads.csv, shows the job's progress live, prints a summary and the URLs, then keeps serving until Ctrl-C.
#
#   scripts/run.sh [--once] [--leads FILE]
#     --once         stop everything after the summary (a smoke run)
#     --leads FILE   submit FILE instead of samples/leads.csv
#   CLAYBUS_DEMO_RATE  the workspace's records/s (default 50; Clay's real limit is 10, which makes the demo take ~4 min)
#
# Logs go to .claybus/logs/. The demo keeps its Redis state under its own key prefix and starts it empty, so a
# second run enriches the sample again instead of finding every lead a duplicate of the first run.
set -euo pipefail
cd "$(dirname "$0")/.."
export MASSTRANSIT_USAGE_TELEMETRY=false DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 ASPNETCORE_ENVIRONMENT=Development

once=false leads=samples/leads.csv
while (($#)); do
  case $1 in
    --once) once=true ;;
    --leads) leads=${2:?--leads needs a file}; shift ;;
    *) echo "usage: scripts/run.sh [--once] [--leads FILE]" >&2; exit 2 ;;
  esac
  shift
done
[[ -f $leads ]] || { echo "[run] no such file: $leads (make one with: python3 samples/generate-leads.py)" >&2; exit 2; }
rate=${CLAYBUS_DEMO_RATE:-50}
prefix=claybus-demo:

scripts/infra.sh up
echo "[run] building (Release)"
dotnet build ClayBus.sln -c Release -nologo -clp:ErrorsOnly -v q

redis-cli --scan --pattern "${prefix}*" | xargs -r -n 500 redis-cli del >/dev/null

logs=$PWD/.claybus/logs; mkdir -p "$logs"
pids=()
stop_all() {
  trap - INT TERM EXIT
  echo; echo "[run] stopping services"
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  echo "[run] stopped"
}
trap stop_all INT TERM EXIT

start() { # start <name> <project dir> <port> [KEY=VALUE ...]
  local name=$1 dir=$2 port=$3; shift 3
  # From the project folder: that is the content root, where appsettings*.json are read. Exit code 75 is a service's
  # consumer watchdog asking for a new process: started again here, as Kubernetes, compose or systemd would.
  (
    cd "$dir" || exit 1
    child=
    trap '[ -n "$child" ] && kill -TERM "$child" 2>/dev/null; wait "$child"; exit 0' TERM INT
    while :; do
      env "$@" ASPNETCORE_URLS="http://127.0.0.1:$port" Redis__KeyPrefix="$prefix" \
        dotnet "bin/Release/net10.0/ClayBus.$(basename "$dir").dll" &
      child=$!
      code=0; wait "$child" || code=$?
      [ "$code" -eq 75 ] || exit "$code"
      echo "[run] $name exited with 75 (consumer watchdog): starting it again"
    done
  ) >"$logs/$name.log" 2>&1 &
  pids+=($!)
  echo "[run] $name on http://127.0.0.1:$port (log: $logs/$name.log)"
}

wait_ready() { # wait_ready <name> <url>: poll with a deadline
  local deadline=$((SECONDS + 90))
  until curl -fs -o /dev/null "$2"; do
    ((SECONDS < deadline)) || { echo "[run] $1 did not become ready: see $logs/$1.log" >&2; exit 1; }
    sleep 0.3
  done
  echo "[run] $1 is ready"
}

# ClaySim's clock runs 10x so that enrichment (1-5 s a provider in Clay) keeps pace with the raised rate.
start claysim tools/ClaySim 5100 ClaySim__RefillPerSecond="$rate" ClaySim__BucketCapacity=$((rate * 2)) ClaySim__SpeedFactor=10
wait_ready claysim http://127.0.0.1:5100/_sim/health
# New webhook ids and tokens at every ClaySim start: read them from its admin API, never from a file in the repo.
mapfile -t webhooks < <(python3 scripts/clay-webhook-env.py http://127.0.0.1:5100)
enricher=("${webhooks[@]}" RateLimit__RecordsPerSecond="$rate" RateLimit__Burst=$((rate * 2)) Budget__DailyLimit=50000)

start monitor src/Monitor 5103
start submitter src/Submitter 5101
start enricher-1 src/Enricher 5102 "${enricher[@]}"
start enricher-2 src/Enricher 5112 "${enricher[@]}"
for svc in monitor:5103 submitter:5101 enricher-1:5102 enricher-2:5112; do
  wait_ready "${svc%%:*}" "http://127.0.0.1:${svc##*:}/health/ready"
done

claybus=src/Cli/bin/Release/net10.0/claybus
export CLAYBUS_SUBMITTER_URL=http://127.0.0.1:5101 CLAYBUS_MONITOR_URL=http://127.0.0.1:5103
echo; echo "[run] submitting $leads"
"$claybus" submit "$leads" | tee "$logs/submit.txt"
job=$(grep -oE '^Job [0-9a-f-]{36}' "$logs/submit.txt" | cut -d' ' -f2)
[[ -n $job ]] || { echo "[run] the submission did not return a job id: see $logs/submit.txt" >&2; exit 1; }

echo; echo "[run] job $job: live progress (Ctrl-C stops everything)"
outcome=0
"$claybus" status "$job" --watch --until-done || outcome=$?

echo; echo "[run] summary"
"$claybus" status "$job" || true
"$claybus" status || true
cat <<INFO

ClayBus is running.
  Dashboard               http://127.0.0.1:5103/dashboard  (development key: dev-only-claybus-api-key)
  RabbitMQ management UI  http://localhost:15672           (user claybus, development password in scripts/infra.sh)
  Status API              http://127.0.0.1:5103/status/jobs/$job
  Submitter               http://127.0.0.1:5101
  Clay simulator          http://127.0.0.1:5100/_sim/counters
INFO
if $once; then
  # claybus status exit codes: 0 completed, 5 completed with some rows failed (providers found no data): both finished.
  ((outcome == 0 || outcome == 5)) && exit 0
  exit "$outcome"
fi
echo "Press Ctrl-C to stop."
wait "${pids[@]}"
