#!/usr/bin/env bash
# The README's first command: the whole of ClayBus on this machine, on the Clay simulator.
# Brings up RabbitMQ and Redis, builds, starts ClaySim, the Submitter, two Enrichers and the Monitor, and waits
# until each is ready. Ctrl-C stops everything cleanly. Logs go to .claybus/logs/.
set -euo pipefail
cd "$(dirname "$0")/.."
export MASSTRANSIT_USAGE_TELEMETRY=false DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 ASPNETCORE_ENVIRONMENT=Development

scripts/infra.sh up
echo "[run] building"
dotnet build ClayBus.sln -c Release -nologo -clp:ErrorsOnly -v q

logs=.claybus/logs; mkdir -p "$logs"
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
  env "$@" ASPNETCORE_URLS="http://127.0.0.1:$port" \
    dotnet "$dir/bin/Release/net10.0/ClayBus.$(basename "$dir").dll" >"$logs/$name.log" 2>&1 &
  pids+=($!)
  echo "[run] $name on http://127.0.0.1:$port (log: $logs/$name.log)"
}

wait_ready() { # wait_ready <name> <url>: poll with a deadline
  local deadline=$((SECONDS + 90))
  until curl -fsS -o /dev/null "$2"; do
    ((SECONDS < deadline)) || { echo "[run] $1 did not become ready: see $logs/$1.log"; exit 1; }
    sleep 0.3
  done
  echo "[run] $1 is ready"
}

start claysim tools/ClaySim 5100
wait_ready claysim http://127.0.0.1:5100/_sim/health
start submitter src/Submitter 5101
start enricher-1 src/Enricher 5102
start enricher-2 src/Enricher 5112
start monitor src/Monitor 5103
for svc in submitter:5101 enricher-1:5102 enricher-2:5112 monitor:5103; do
  wait_ready "${svc%%:*}" "http://127.0.0.1:${svc##*:}/health/ready"
done

cat <<INFO

ClayBus is running.
  RabbitMQ management UI  http://localhost:15672  (user claybus, development password in scripts/infra.sh)
  Submitter               http://127.0.0.1:5101
  Monitor                 http://127.0.0.1:5103
  Clay simulator          http://127.0.0.1:5100/_sim/
Press Ctrl-C to stop.
INFO
wait "${pids[@]}"
