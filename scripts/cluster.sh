#!/usr/bin/env bash
# The production topology on one machine, from Debian's packages: a 3-node RabbitMQ cluster and a Redis primary with
# two replicas watched by three Sentinels. Beside the single-node default of infra.sh (which it never touches).
#   scripts/cluster.sh up            install what is missing, start and join the nodes, wait until all are ready
#   scripts/cluster.sh down          stop every node this script runs and delete its data
#   scripts/cluster.sh status        one line per node
#   scripts/cluster.sh kill-rabbit N kill -9 RabbitMQ node N (1-3);  restart-rabbit N brings it back into the cluster
#   scripts/cluster.sh kill-redis-primary   kill -9 whichever Redis the Sentinels call primary
#   scripts/cluster.sh restart-redis PORT   start a killed Redis again (it rejoins as a replica)
# Idempotent; every wait is a poll with a deadline. The ports are in docs/operations.md, "Production topology".
set -euo pipefail
cd "$(dirname "$0")/.."

STATE_DIR="${CLAYBUS_CLUSTER_DIR:-$HOME/.claybus/cluster}"
# The rabbitmq user must reach its node's files, and a home directory is often closed to it.
RABBIT_DIR="${CLAYBUS_CLUSTER_RABBIT_DIR:-/var/lib/rabbitmq/claybus-cluster}"
HOST_PART=$(hostname -s)
RABBIT_USER="${CLAYBUS_RABBITMQ_USER:-claybus}"
RABBIT_PASSWORD="${CLAYBUS_RABBITMQ_PASSWORD:-dev-only-claybus-password}"
RABBIT_VHOST="${CLAYBUS_RABBITMQ_VHOST:-claybus}"
DEADLINE_SECONDS="${CLAYBUS_INFRA_DEADLINE:-120}"
SENTINEL_SERVICE="${CLAYBUS_SENTINEL_SERVICE:-claybus}"
# The mirror policy of deploy/base/rabbitmq.yaml (deliver-batch-mirrored); tests/Testing/ClusterFixture.cs sets the same.
MIRROR_PATTERN='^deliver-batch(-high|-low)?(_error|_skipped)?$'
MIRROR_POLICY='{"ha-mode":"all","ha-sync-mode":"automatic","ha-promote-on-failure":"when-synced","ha-promote-on-shutdown":"when-synced"}'
# Node i: AMQP 5700+i, distribution 25700+i, management 15700+i. Redis 6400 primary, 6401-6402 replicas, Sentinels 26400-26402.
NODES=(1 2 3)
REDIS_PORTS=(6400 6401 6402)
SENTINEL_PORTS=(26400 26401 26402)

log() { printf '[cluster] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

wait_for() { # wait_for <description> <command...>
  local what=$1; shift
  local deadline=$((SECONDS + DEADLINE_SECONDS))
  until "$@" >/dev/null 2>&1; do
    ((SECONDS >= deadline)) && die "$what did not become ready within ${DEADLINE_SECONDS}s"
    sleep 0.5
  done
  log "$what is ready"
}

node_name() { printf 'claybus%s@%s' "$1" "$HOST_PART"; }
node_ctl() { local n=$1; shift; rabbitmqctl -q -n "$(node_name "$n")" "$@"; }
node_running() { rabbitmq-diagnostics -q -n "$(node_name "$1")" check_running >/dev/null 2>&1; }
node_pid() { node_ctl "$1" eval 'os:getpid().' 2>/dev/null | tr -d '"'; }
in_cluster() { # in_cluster <n>: the node runs and sees all three members running
  local running
  running=$(node_ctl "$1" eval 'length(rabbit_nodes:all_running()).' 2>/dev/null) || return 1
  [ "$running" = 3 ]
}

rabbit_node_start() { # rabbit_node_start <n>: starts the node without waiting for it
  local n=$1 dir="$RABBIT_DIR/rabbit$n"
  node_running "$n" && { log "RabbitMQ node $(node_name "$n") already runs"; return; }
  mkdir -p "$dir/mnesia" "$dir/log"
  chown -R rabbitmq:rabbitmq "$dir" 2>/dev/null || true
  log "starting RabbitMQ node $(node_name "$n") (amqp $((5700 + n)), management $((15700 + n)))"
  RABBITMQ_NODENAME="$(node_name "$n")" RABBITMQ_NODE_PORT=$((5700 + n)) RABBITMQ_DIST_PORT=$((25700 + n)) \
    RABBITMQ_MNESIA_BASE="$dir/mnesia" RABBITMQ_LOG_BASE="$dir/log" RABBITMQ_PID_FILE="$dir/pid" \
    RABBITMQ_SERVER_START_ARGS="-rabbitmq_management listener [{port,$((15700 + n))}]" \
    rabbitmq-server -detached >/dev/null 2>&1 || true
}

rabbit_node_up() { rabbit_node_start "$1"; wait_for "RabbitMQ node $1" node_running "$1"; }

rabbit_join() { # rabbit_join <n>: joins node 1 unless it is a member already
  local n=$1
  node_ctl "$n" eval "lists:member('$(node_name 1)', rabbit_nodes:all())." 2>/dev/null | grep -qx true && return
  log "joining $(node_name "$n") to $(node_name 1)"
  node_ctl "$n" stop_app >/dev/null 2>&1
  node_ctl "$n" reset >/dev/null 2>&1
  node_ctl "$n" join_cluster "$(node_name 1)" >/dev/null 2>&1
  node_ctl "$n" start_app >/dev/null 2>&1
}

rabbit_up() {
  # Nodes that were clustered before wait at boot for their peers' tables: start all three before waiting for any.
  for n in "${NODES[@]}"; do rabbit_node_start "$n"; done
  for n in "${NODES[@]}"; do wait_for "RabbitMQ node $n" node_running "$n"; done
  rabbit_join 2
  rabbit_join 3
  wait_for "RabbitMQ cluster of 3" in_cluster 1
  node_ctl 1 list_vhosts | grep -qx "$RABBIT_VHOST" || node_ctl 1 add_vhost "$RABBIT_VHOST"
  node_ctl 1 list_users | awk '{print $1}' | grep -qx "$RABBIT_USER" || node_ctl 1 add_user "$RABBIT_USER" "$RABBIT_PASSWORD"
  node_ctl 1 set_user_tags "$RABBIT_USER" administrator
  node_ctl 1 set_permissions -p "$RABBIT_VHOST" "$RABBIT_USER" ".*" ".*" ".*"
  limited_users
  # deliver-batch keeps its priorities, so it stays classic: mirrored to every node, it outlives the node it lives on.
  # Its -high and -low paths are quorum queues when the services run with QuorumQueues, classic (and mirrored) without;
  # its dead letters are classic. Only a synchronised mirror is promoted: a stall, never an emptied queue.
  node_ctl 1 set_policy -p "$RABBIT_VHOST" --apply-to queues --priority 1 deliver-batch-mirrored "$MIRROR_PATTERN" "$MIRROR_POLICY" >/dev/null
}

limited_users() { # the users of deploy/rabbitmq/permissions, as infra.sh makes them on the single node
  local user configure write read tags variable password
  # fd 3: rabbitmqctl reads standard input and would swallow the lines after the first user.
  while read -r -u 3 user configure write read tags; do
    case $user in "" | "#"*) continue ;; esac
    variable="CLAYBUS_RABBITMQ_$(printf '%s' "$user" | tr '[:lower:]-' '[:upper:]_')_PASSWORD"
    password="${!variable:-dev-only-$user-password}"
    node_ctl 1 list_users | awk '{print $1}' | grep -qx "$user" || node_ctl 1 add_user "$user" "$password" >/dev/null
    # shellcheck disable=SC2046 # tags are one word each
    node_ctl 1 set_user_tags "$user" $([ "${tags:--}" = - ] || printf '%s' "$tags" | tr ',' ' ') >/dev/null
    node_ctl 1 set_permissions -p "$RABBIT_VHOST" "$user" "$configure" "$write" "$read" >/dev/null
  done 3<deploy/rabbitmq/permissions
}

redis_running() { [ "$(redis-cli -p "$1" ping 2>/dev/null)" = PONG ]; }

redis_node_up() { # redis_node_up <port> [primary-port]
  local port=$1 primary=${2:-} dir="$STATE_DIR/redis$1"
  redis_running "$port" && return
  mkdir -p "$dir"
  local replica=()
  # Right after a kill the Sentinels may still name the dead node: it never replicates from itself.
  [ -n "$primary" ] && [ "$primary" != "$port" ] && replica=(--replicaof 127.0.0.1 "$primary")
  # noeviction: a full Redis refuses writes (the services pause) instead of silently dropping claims or reservations.
  redis-server --daemonize yes --port "$port" --bind 127.0.0.1 --appendonly yes --dir "$dir" \
    --maxmemory "${CLAYBUS_REDIS_MAXMEMORY:-1gb}" --maxmemory-policy noeviction \
    --logfile "$dir/redis.log" --pidfile "$dir/redis.pid" "${replica[@]}" >/dev/null
  wait_for "Redis on $port" redis_running "$port"
}

sentinel_up() { # sentinel_up <port>
  local port=$1 dir="$STATE_DIR/sentinel$1"
  redis_running "$port" && return
  mkdir -p "$dir"
  # Sentinel rewrites its own file (known replicas, the current primary): written only once.
  [ -f "$dir/sentinel.conf" ] || cat >"$dir/sentinel.conf" <<EOF
port $port
bind 127.0.0.1
dir $dir
sentinel monitor $SENTINEL_SERVICE 127.0.0.1 ${REDIS_PORTS[0]} 2
sentinel down-after-milliseconds $SENTINEL_SERVICE 2000
sentinel failover-timeout $SENTINEL_SERVICE 10000
sentinel parallel-syncs $SENTINEL_SERVICE 1
EOF
  redis-server "$dir/sentinel.conf" --sentinel --daemonize yes --logfile "$dir/sentinel.log" --pidfile "$dir/sentinel.pid" >/dev/null
  wait_for "Sentinel on $port" redis_running "$port"
}

primary_port() {
  redis-cli -p "${SENTINEL_PORTS[0]}" sentinel get-master-addr-by-name "$SENTINEL_SERVICE" 2>/dev/null | sed -n 2p
}

replicas_synced() { # the primary sees two replicas online
  local port
  port=$(primary_port) && [ -n "$port" ] || return 1
  [ "$(redis-cli -p "$port" info replication | tr -d '\r' | grep -c 'state=online')" = 2 ]
}

redis_up() {
  local primary
  primary=$(primary_port || true)
  redis_node_up "${primary:-${REDIS_PORTS[0]}}"
  for port in "${REDIS_PORTS[@]}"; do
    [ "$port" = "${primary:-${REDIS_PORTS[0]}}" ] || redis_node_up "$port" "${primary:-${REDIS_PORTS[0]}}"
  done
  for port in "${SENTINEL_PORTS[@]}"; do sentinel_up "$port"; done
  wait_for "Redis primary with 2 replicas" replicas_synced
}

kill_pid_file() { [ -f "$1" ] && kill -9 "$(cat "$1")" 2>/dev/null || true; }

down() {
  for port in "${SENTINEL_PORTS[@]}"; do redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || kill_pid_file "$STATE_DIR/sentinel$port/sentinel.pid"; done
  for port in "${REDIS_PORTS[@]}"; do redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || kill_pid_file "$STATE_DIR/redis$port/redis.pid"; done
  for n in 3 2 1; do
    if node_running "$n"; then log "stopping $(node_name "$n")"; node_ctl "$n" stop >/dev/null 2>&1 || true; fi
  done
  rm -rf "$STATE_DIR" "$RABBIT_DIR"
  log "cluster down, data removed"
}

status() {
  for n in "${NODES[@]}"; do
    if node_running "$n"; then log "rabbit $(node_name "$n"): up (amqp $((5700 + n)))"; else log "rabbit $(node_name "$n"): down"; fi
  done
  for port in "${REDIS_PORTS[@]}"; do
    if redis_running "$port"; then
      log "redis $port: $(redis-cli -p "$port" info replication | tr -d '\r' | sed -n 's/^role://p')"
    else log "redis $port: down"; fi
  done
  log "sentinels name primary: $(primary_port || echo none)"
}

install_packages() {
  command -v rabbitmq-server >/dev/null 2>&1 && command -v redis-server >/dev/null 2>&1 && return
  scripts/infra.sh up # installs from Debian's packages (and enables the plugins); the default node is left running
}

case "${1:-up}" in
  up) install_packages; rabbit_up; redis_up ;;
  down) down ;;
  status) status ;;
  kill-rabbit) n=${2:?kill-rabbit needs a node number 1-3}; pid=$(node_pid "$n"); [ -n "$pid" ] || die "node $n is not running"; kill -9 "$pid"; log "killed $(node_name "$n") (pid $pid)" ;;
  restart-rabbit) n=${2:?restart-rabbit needs a node number 1-3}; rabbit_node_up "$n"; wait_for "RabbitMQ cluster of 3" in_cluster 1 ;;
  kill-redis-primary) port=$(primary_port); [ -n "$port" ] || die "the Sentinels name no primary"; kill_pid_file "$STATE_DIR/redis$port/redis.pid"; log "killed the Redis primary on $port"; echo "$port" ;;
  restart-redis) port=${2:?restart-redis needs a port}; redis_node_up "$port" "$(primary_port)" ;;
  *) die "usage: $0 up|down|status|kill-rabbit N|restart-rabbit N|kill-redis-primary|restart-redis PORT" ;;
esac
