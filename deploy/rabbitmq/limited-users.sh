#!/bin/sh
# Creates the users of deploy/rabbitmq/permissions (each service's, upstream publishers') through the management API, for Docker
# Compose's one-shot rabbitmq-users service (the rabbitmq:*-management image has rabbitmqadmin). Each password comes
# from CLAYBUS_RABBITMQ_<USER>_PASSWORD; a missing one stops with its name. Idempotent.
set -eu
PERMISSIONS_FILE="${PERMISSIONS_FILE:-/etc/claybus/permissions}"
# </dev/null: a command that reads standard input would swallow the users after the first.
admin() { rabbitmqadmin -H "${RABBITMQ_HOST:-rabbitmq}" -u "$RABBITMQ_ADMIN_USER" -p "$RABBITMQ_ADMIN_PASSWORD" "$@" </dev/null; }
while read -r user configure write read tags; do
  case "$user" in "" | "#"*) continue ;; esac
  variable="CLAYBUS_RABBITMQ_$(printf '%s' "$user" | tr 'a-z-' 'A-Z_')_PASSWORD"
  eval "password=\${$variable:-}"
  [ -n "$password" ] || { echo "rabbitmq-users: $variable is not set" >&2; exit 1; }
  [ "${tags:--}" = - ] && tags=""
  admin declare user name="$user" password="$password" tags="$tags" >/dev/null
  admin declare permission vhost="${RABBITMQ_VHOST:-claybus}" user="$user" configure="$configure" write="$write" read="$read" >/dev/null
  echo "rabbitmq-users: $user (tags: ${tags:-none}): permissions of $PERMISSIONS_FILE"
done <"$PERMISSIONS_FILE"
