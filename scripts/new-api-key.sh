#!/usr/bin/env bash
# Makes a new ClayBus API key: prints the key (give it to its owner, once) and the configuration lines that hold only
# its SHA-256 (put them in the service's secret, e.g. secrets/claybus.json or environment variables).
#   scripts/new-api-key.sh <name> [roles, comma-separated: submit,read,operate] [permits per minute]
set -euo pipefail
name=${1:?usage: $0 <name> [submit,read,operate] [permits-per-minute]}
roles=${2:-read}
permits=${3:-600}
[[ $name =~ ^[A-Za-z0-9._-]{1,100}$ ]] || { echo "name: use 1-100 letters, digits, . _ -" >&2; exit 2; }
IFS=, read -r -a role_list <<<"$roles"
for role in "${role_list[@]}"; do
  [[ $role == submit || $role == read || $role == operate ]] || { echo "role '$role': use submit, read or operate" >&2; exit 2; }
done

key="cbk_$(head -c 32 /dev/urandom | base64 | tr -d '=+/\n' | head -c 43)"
hash="sha256:$(printf %s "$key" | sha256sum | cut -d' ' -f1)"

echo "API key for '$name' (shown once; store it in the caller's secret store):"
echo "  $key"
echo
echo "Environment variables for the Submitter and/or Monitor:"
echo "  Security__ApiKeys__${name}__Hash=$hash"
index=0
for role in "${role_list[@]}"; do
  echo "  Security__ApiKeys__${name}__Roles__${index}=$role"
  index=$((index + 1))
done
echo "  Security__ApiKeys__${name}__PermitsPerMinute=$permits"
echo
echo "Or in secrets/claybus.json:"
printf '  "Security": { "ApiKeys": { "%s": { "Hash": "%s", "Roles": [ %s ], "PermitsPerMinute": %s } } }\n' \
  "$name" "$hash" "$(printf '"%s", ' "${role_list[@]}" | sed 's/, $//')" "$permits"
