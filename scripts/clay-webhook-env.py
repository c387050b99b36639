#!/usr/bin/env python3
"""Prints the Enricher's webhook configuration for a running Clay simulator, one KEY=VALUE per line.

The simulator makes new webhook ids and tokens at every start, so they are read from its admin API rather than
committed anywhere: `scripts/clay-webhook-env.py http://127.0.0.1:5100` → `Tables__inbound-leads__Webhooks__0__Url=…`.
Against the real Clay the same keys come from a secret (README: "Pointing ClayBus at Clay").
"""
import json
import sys
import urllib.request

base = sys.argv[1].rstrip("/") if len(sys.argv) > 1 else "http://127.0.0.1:5100"
with urllib.request.urlopen(f"{base}/_sim/workspace", timeout=10) as response:
    workspace = json.load(response)
for table in workspace["tables"]:
    live = [hook for hook in table["webhooks"] if not hook.get("deleted")]
    for index, hook in enumerate(live):
        prefix = f"Tables__{table['key']}__Webhooks__{index}__"
        print(f"{prefix}Url={hook['url']}")
        if hook.get("token"):
            print(f"{prefix}Token={hook['token']}")
    print(f"Tables__{table['key']}__AutoDelete={'true' if table.get('autoDelete') else 'false'}")
