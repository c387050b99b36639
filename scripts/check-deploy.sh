#!/usr/bin/env bash
# Checks what cannot run here (no Docker engine, no cluster): docker-compose.yml parses, and every kustomize
# overlay under deploy/ renders. Installs Debian's docker-compose (a parser is all it is here) when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v docker-compose >/dev/null 2>&1; then
  [ "$(id -u)" = 0 ] || { echo "docker-compose is missing: apt-get install docker-compose" >&2; exit 1; }
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker-compose >/dev/null
fi
docker-compose -f docker-compose.yml config -q
for overlay in deploy/overlays/*/; do
  [ -f "$overlay/kustomization.yaml" ] || continue
  kubectl kustomize "$overlay" >/dev/null
  echo "rendered $overlay"
done
