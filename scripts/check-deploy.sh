#!/usr/bin/env bash
# Checks what cannot run here (no Docker engine, no cluster): docker-compose.yml parses, the Dockerfiles lint clean,
# every kustomize overlay under deploy/ renders, and the rendered objects match their schemas (Kubernetes, KEDA, External Secrets; the
# RabbitMQ operator's kinds have no published schema and are reported as unchecked). Installs Debian's
# docker-compose (a parser is all it is here) when missing; the schemas are npm packages at pinned versions,
# installed once into a cache directory (no binaries are downloaded).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v docker-compose >/dev/null 2>&1; then
  [ "$(id -u)" = 0 ] || { echo "docker-compose is missing: apt-get install docker-compose" >&2; exit 1; }
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker-compose >/dev/null
fi
docker-compose -f docker-compose.yml config -q
echo "parsed docker-compose.yml"

schema=""
if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
  schema="${XDG_CACHE_HOME:-$HOME/.cache}/claybus-deploy-schema"
  mkdir -p "$schema"
  if ! cmp -s deploy/schema/package.json "$schema/package.json" || [ ! -d "$schema/node_modules" ]; then
    cp deploy/schema/package.json "$schema/package.json"
    npm install --prefix "$schema" --no-audit --no-fund --loglevel=error >/dev/null
  fi
  # ES modules resolve packages from the script's own folder, so the checkers run from the cache.
  cp deploy/schema/schema-check.mjs deploy/schema/dockerfile-check.mjs "$schema/"
  node "$schema/dockerfile-check.mjs" src/*/Dockerfile tools/*/Dockerfile
else
  echo "schema and Dockerfile checks skipped: node and npm are not installed (apt-get install nodejs npm)" >&2
fi

for overlay in deploy/overlays/*/; do
  [ -f "$overlay/kustomization.yaml" ] || continue
  rendered=$(kubectl kustomize "$overlay")
  echo "rendered $overlay"
  if [ -n "$schema" ]; then
    printf '%s\n' "$rendered" | node "$schema/schema-check.mjs"
  fi
done
