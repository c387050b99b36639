#!/usr/bin/env bash
# Brings RabbitMQ and Redis up (or down) for development and tests, from Debian's packages.
#   scripts/infra.sh up            reuse what already answers; else install (as root), configure and start; wait until ready
#   scripts/infra.sh up redis      only Redis (a test that shut it down brings it back without RabbitMQ's minute of checks)
#   scripts/infra.sh down          stop only what `up` started (a marker per service in $CLAYBUS_STATE_DIR/started/,
#                                  holding the process id), never an instance `up` found running and reused
#   scripts/infra.sh down --force  stop whatever answers, started here or not
#   scripts/infra.sh status
# Idempotent: running `up` or `down` twice changes nothing the second time.
set -euo pipefail

STATE_DIR="${CLAYBUS_STATE_DIR:-$HOME/.claybus}"
RABBIT_USER="${CLAYBUS_RABBITMQ_USER:-claybus}"
# A development-only password; production takes credentials from secrets (docs/operations.md).
RABBIT_PASSWORD="${CLAYBUS_RABBITMQ_PASSWORD:-dev-only-claybus-password}"
RABBIT_VHOST="${CLAYBUS_RABBITMQ_VHOST:-claybus}"
REDIS_PORT="${CLAYBUS_REDIS_PORT:-6379}"
DEADLINE_SECONDS="${CLAYBUS_INFRA_DEADLINE:-120}"

STARTED_DIR="$STATE_DIR/started"

log() { printf '[infra] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

wait_for() { # wait_for <description> <command...>: poll with a deadline, never a fixed sleep
  local what=$1; shift
  local deadline=$((SECONDS + DEADLINE_SECONDS))
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS >= deadline)); then die "$what did not become ready within ${DEADLINE_SECONDS}s"; fi
    sleep 0.5
  done
  log "$what is ready"
}

# ping answers before the rabbit app has booted; check_running waits for the app itself.
rabbit_answers() { rabbitmq-diagnostics -q check_running >/dev/null 2>&1; }
management_answers() { curl -fsS -o /dev/null -u "$RABBIT_USER:$RABBIT_PASSWORD" http://localhost:15672/api/overview; }
redis_answers() { [ "$(redis-cli -p "$REDIS_PORT" ping 2>/dev/null)" = "PONG" ]; }

# The process id of what answers now: a marker holds the one `up` started, so `down` never stops a newcomer.
rabbit_pid() { rabbitmqctl -q eval 'os:getpid().' 2>/dev/null | tr -d '"'; }
redis_pid() { redis-cli -p "$REDIS_PORT" info server 2>/dev/null | tr -d '\r' | sed -n 's/^process_id://p'; }

# Redis markers carry the port: two `up`s on different ports are two instances.
marker() { # marker <service>
  case $1 in
    rabbitmq) printf '%s/rabbitmq' "$STARTED_DIR" ;;
    redis) printf '%s/redis-%s' "$STARTED_DIR" "$REDIS_PORT" ;;
  esac
}

mark_started() { # mark_started <service> <pid>
  mkdir -p "$STARTED_DIR"
  printf '%s\n' "$2" >"$(marker "$1")"
}

install_packages() {
  local missing=()
  command -v rabbitmq-server >/dev/null 2>&1 || missing+=(rabbitmq-server)
  command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
  command -v curl >/dev/null 2>&1 || missing+=(curl)
  ((${#missing[@]} == 0)) && return 0
  [ "$(id -u)" = 0 ] || die "missing ${missing[*]}: run as root, or install them with apt-get"
  log "installing ${missing[*]} from Debian's packages"
  # No init system runs here: stop the package scripts from trying to start services themselves.
  printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  rm -f /usr/sbin/policy-rc.d
}

rabbit_up() {
  if ! rabbit_answers; then
    rabbitmq-plugins enable --offline rabbitmq_management rabbitmq_shovel rabbitmq_shovel_management >/dev/null
    log "starting RabbitMQ"
    rabbitmq-server -detached >/dev/null 2>&1 || true
    wait_for "RabbitMQ" rabbit_answers
    mark_started rabbitmq "$(rabbit_pid)"
  else
    log "RabbitMQ already runs: reusing it$(started_here rabbitmq "$(rabbit_pid)" && echo " (started by an earlier up)")"
    rabbitmq-plugins enable rabbitmq_management rabbitmq_shovel rabbitmq_shovel_management >/dev/null
  fi
  rabbitmqctl -q list_vhosts | grep -qx "$RABBIT_VHOST" || rabbitmqctl -q add_vhost "$RABBIT_VHOST"
  if ! rabbitmqctl -q list_users | awk '{print $1}' | grep -qx "$RABBIT_USER"; then
    rabbitmqctl -q add_user "$RABBIT_USER" "$RABBIT_PASSWORD"
  fi
  # Tests create and delete their own vhosts through the management API, so the user needs the administrator tag.
  rabbitmqctl -q set_user_tags "$RABBIT_USER" administrator
  rabbitmqctl -q set_permissions -p "$RABBIT_VHOST" "$RABBIT_USER" ".*" ".*" ".*"
  limited_users rabbitmqctl -q
  wait_for "RabbitMQ management API (http://localhost:15672)" management_answers
}

# limited_users <rabbitmqctl command...>: the users of deploy/rabbitmq/permissions (each service's, upstream
# publishers') with exactly their permissions and tags. Development passwords, as for the claybus user;
# CLAYBUS_RABBITMQ_<USER>_PASSWORD overrides.
limited_users() {
  local user configure write read tags variable password
  # fd 3: rabbitmqctl reads standard input and would swallow the lines after the first user.
  while read -r -u 3 user configure write read tags; do
    case $user in "" | "#"*) continue ;; esac
    variable="CLAYBUS_RABBITMQ_$(printf '%s' "$user" | tr '[:lower:]-' '[:upper:]_')_PASSWORD"
    password="${!variable:-dev-only-$user-password}"
    "$@" list_users | awk '{print $1}' | grep -qx "$user" || "$@" add_user "$user" "$password" >/dev/null
    # shellcheck disable=SC2086 # tags are one word each
    "$@" set_user_tags "$user" $(user_tags "$tags") >/dev/null
    "$@" set_permissions -p "$RABBIT_VHOST" "$user" "$configure" "$write" "$read" >/dev/null
    log "RabbitMQ user $user (tags: ${tags:--}): permissions of deploy/rabbitmq/permissions"
  done 3<"$(dirname "$0")/../deploy/rabbitmq/permissions"
}

user_tags() { [ "${1:--}" = - ] || printf '%s' "$1" | tr ',' ' '; } # the file's tags column, as arguments

redis_up() {
  if redis_answers; then
    log "Redis already runs on port $REDIS_PORT: reusing it$(started_here redis "$(redis_pid)" && echo " (started by an earlier up)")"
    return
  fi
  mkdir -p "$STATE_DIR/redis"
  log "starting Redis on port $REDIS_PORT (AOF on, data in $STATE_DIR/redis)"
  # AOF keeps scheduled timeouts, budgets and idempotency marks across a Redis restart; noeviction: a full Redis
  # refuses writes (the services pause) instead of silently dropping claims or reservations, as in production.
  redis-server --daemonize yes --port "$REDIS_PORT" --bind 127.0.0.1 --appendonly yes \
    --maxmemory "${CLAYBUS_REDIS_MAXMEMORY:-1gb}" --maxmemory-policy noeviction \
    --dir "$STATE_DIR/redis" --logfile "$STATE_DIR/redis/redis.log" --pidfile "$STATE_DIR/redis/redis.pid" >/dev/null
  wait_for "Redis" redis_answers
  mark_started redis "$(redis_pid)"
}

# started_here <service> <pid>: the marker names this very process.
started_here() {
  local file
  file=$(marker "$1")
  [ -n "$2" ] && [ -f "$file" ] && [ "$(cat "$file")" = "$2" ]
}

# stop_service <service> <force>: stop it if `up` started it (or if forced); drop a marker that no longer names what runs.
stop_service() {
  local service=$1 force=$2 name answers pid
  case $service in
    rabbitmq) name="RabbitMQ"; answers=rabbit_answers ;;
    redis) name="Redis on port $REDIS_PORT"; answers=redis_answers ;;
  esac
  if ! "$answers"; then
    log "$name: not running"
    rm -f "$(marker "$service")"
    return
  fi
  if [ "$service" = rabbitmq ]; then pid=$(rabbit_pid); else pid=$(redis_pid); fi
  if [ "$force" != yes ] && ! started_here "$service" "$pid"; then
    log "$name: not started by infra.sh up, leaving it running (down --force stops it)"
    rm -f "$(marker "$service")"
    return
  fi
  log "stopping $name"
  if [ "$service" = rabbitmq ]; then
    rabbitmqctl -q stop || true
  else
    redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
  fi
  rm -f "$(marker "$service")"
}

case "${1:-up}" in
  up)
    case "${2:-}" in
      "") install_packages; rabbit_up; redis_up ;;
      # Redis alone, as a test that shut it down brings it back: RabbitMQ's checks take a minute on a loaded machine.
      redis) redis_up ;;
      *) die "usage: $0 up [redis]" ;;
    esac
    ;;
  down)
    case "${2:-}" in
      "") force=no ;;
      --force) force=yes ;;
      *) die "usage: $0 down [--force]" ;;
    esac
    stop_service rabbitmq "$force"
    stop_service redis "$force"
    ;;
  status)
    if rabbit_answers; then
      log "RabbitMQ: up$(started_here rabbitmq "$(rabbit_pid)" && echo " (started by infra.sh up)")"
    else
      log "RabbitMQ: down"
    fi
    if redis_answers; then
      log "Redis on port $REDIS_PORT: up$(started_here redis "$(redis_pid)" && echo " (started by infra.sh up)")"
    else
      log "Redis on port $REDIS_PORT: down"
    fi
    ;;
  *) die "usage: $0 up [redis]|down [--force]|status" ;;
esac
