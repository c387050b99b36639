#!/usr/bin/env python3
"""Prints the Enricher's webhook file (secrets/claybus.json) for a running Clay simulator.

ClaySim makes new webhook ids and tokens at every start, so they cannot be committed: read them from its admin API.
  docker compose:  deploy/dev-webhooks.py http://127.0.0.1:5100 > .claysim/claybus.json   (the Enricher re-reads it)
  kubernetes dev:  kubectl -n claybus-dev port-forward svc/claysim 5100:8080 &
                   deploy/dev-webhooks.py http://127.0.0.1:5100 > /tmp/claybus.json
                   kubectl -n claybus-dev create secret generic claybus-webhooks --from-file=claybus.json=/tmp/claybus.json \
                     --dry-run=client -o yaml | kubectl apply -f -
Against the real Clay the same file comes from your secret store (docs/operations.md, "Rotating secrets").
"""
import json
import sys
import urllib.request

base = sys.argv[1].rstrip("/") if len(sys.argv) > 1 else "http://127.0.0.1:5100"
with urllib.request.urlopen(f"{base}/_sim/workspace", timeout=10) as response:
    workspace = json.load(response)
tables = {}
for table in workspace["tables"]:
    hooks = [{"Url": h["url"], **({"Token": h["token"]} if h.get("token") else {})} for h in table["webhooks"] if not h.get("deleted")]
    tables[table["key"]] = {"AutoDelete": bool(table.get("autoDelete")), "Webhooks": hooks}
json.dump({"Tables": tables}, sys.stdout, indent=2)
print()
