#!/usr/bin/env bash
# What the test suites need besides RabbitMQ and Redis: Debian's python3-pika (a non-.NET publisher for the interop
# test, installed for the system interpreter /usr/bin/python3) and chromium (the Monitor's dashboard test drives it
# headless). Idempotent.
set -euo pipefail
need=()
/usr/bin/python3 -c 'import pika' >/dev/null 2>&1 || need+=(python3-pika)
[ -x /usr/bin/chromium ] || need+=(chromium)
((${#need[@]} == 0)) && exit 0
if [ "$(id -u)" != 0 ]; then echo "missing ${need[*]}: run as root, or apt-get install them" >&2; exit 1; fi
echo "[prerequisites] installing ${need[*]} from Debian's packages" >&2
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
