#!/bin/sh
# Creates the users of deploy/rabbitmq/permissions (upstream publishers) through the management API, for Docker
# Compose's one-shot rabbitmq-users service (the rabbitmq:*-management image has rabbitmqadmin). Each password comes
# from CLAYBUS_RABBITMQ_<USER>_PASSWORD; a missing one stops with its name. Idempotent.
set -eu
admin() { rabbitmqadmin -H "${RABBITMQ_HOST:-rabbitmq}" -u "$RABBITMQ_ADMIN_USER" -p "$RABBITMQ_ADMIN_PASSWORD" "$@"; }
while read -r user configure write read; do
  case "$user" in "" | "#"*) continue ;; esac
  variable="CLAYBUS_RABBITMQ_$(printf '%s' "$user" | tr 'a-z-' 'A-Z_')_PASSWORD"
  eval "password=\${$variable:-}"
  [ -n "$password" ] || { echo "rabbitmq-users: $variable is not set" >&2; exit 1; }
  admin declare user name="$user" password="$password" tags="" >/dev/null
  admin declare permission vhost="${RABBITMQ_VHOST:-claybus}" user="$user" configure="$configure" write="$write" read="$read" >/dev/null
  echo "rabbitmq-users: $user: configure '$configure', write '$write', read '$read'"
done <"${PERMISSIONS_FILE:-/etc/claybus/permissions}"
