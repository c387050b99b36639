#!/usr/bin/env python3
"""Synthetic leads for ClayBus: realistic-looking, reproducible (seeded), standard library only.

Covers every routing table of src/Submitter/appsettings.json (tech and finance industries, web-form and event
sources, and rows that fall to the default table), plus deliberate duplicates and invalid rows so a submission
shows dedupe and the per-row rejection report.

    python3 samples/generate-leads.py                      # samples/leads.csv, 2,400 rows
    python3 samples/generate-leads.py --rows 1000000 --out /tmp/leads-1m.csv --seed 7
"""
import argparse
import csv
import random
import sys

FIRST = ["Ana", "Bob", "Chen", "Dara", "Eli", "Fatima", "Gus", "Hana", "Ivan", "Jade", "Kofi", "Lena", "Mateo", "Nina",
         "Omar", "Priya", "Quinn", "Rosa", "Sven", "Tara", "Uma", "Viktor", "Wen", "Ximena", "Yusuf", "Zoe"]
LAST = ["Silva", "Okafor", "Nguyen", "Schmidt", "Kowalski", "Haddad", "Tanaka", "Moreau", "Rossi", "Johnson", "Patel",
        "Garcia", "Kim", "Andersson", "Dubois", "Novak", "Murphy", "Costa", "Ibrahim", "Larsen"]
WORDS = ["Acme", "Globex", "Initech", "Umbrella", "Stark", "Wayne", "Hooli", "Vandelay", "Soylent", "Cyberdyne",
         "Tyrell", "Wonka", "Massive", "Pied Piper", "Aperture", "Black Mesa", "Oscorp", "Gringotts", "Monarch", "Nakatomi"]
SUFFIX = ["Labs", "Systems", "Capital", "Bank", "Analytics", "Cloud", "Partners", "Group", "Software", "Insurance"]
TLD = ["com", "io", "co", "ai", "net", "de", "co.uk", "fr"]
TITLES = ["CTO", "VP Engineering", "Head of Sales", "CFO", "Founder", "Data Lead", "Growth Manager", "COO", "IT Director"]
TECH = ["Software", "SaaS", "Technology", "Information Technology", "Internet", "Cybersecurity", "Artificial Intelligence"]
FINANCE = ["Financial Services", "Banking", "Insurance", "Fintech", "Investment Management", "Accounting", "Venture Capital"]
OTHER = ["Retail", "Manufacturing", "Healthcare", "Education", "Logistics", "Media"]
SOURCES_OTHER = ["crm-export", "partner-list", "cold-outbound", ""]
COUNTRIES = ["US", "GB", "DE", "FR", "NL", "BR", "IN", "JP", "NG", "CA"]
PERSONAL = ["gmail.com", "yahoo.com", "outlook.com"]
DISPOSABLE = ["mailinator.com", "yopmail.com"]
HEADER = ["email", "first_name", "last_name", "company", "domain", "title", "industry", "source", "country", "employees"]


def company(rng):
    name = f"{rng.choice(WORDS)} {rng.choice(SUFFIX)}"
    slug = name.lower().replace(" ", "")
    return name, f"{slug}{rng.randint(1, 999)}.{rng.choice(TLD)}"


def lead(rng, index):
    """One good lead; the kind (which table it routes to) rotates so every table is covered."""
    first, last = rng.choice(FIRST), rng.choice(LAST)
    name, domain = company(rng)
    kind = index % 5
    industry = rng.choice(TECH) if kind == 0 else rng.choice(FINANCE) if kind == 1 else rng.choice(OTHER)
    source = "web-form" if kind == 2 else "event" if kind == 3 else rng.choice(SOURCES_OTHER)
    email = f"{first}.{last}{index}@{domain}".lower()
    website = rng.choice([domain, f"https://www.{domain}/", f"http://{domain}/about", ""])
    if kind == 4 and index % 3 == 0:
        email = ""  # domain + names only: identity falls back to domain + first + last name
        website = website or domain
    return [email, first, last, name, website, rng.choice(TITLES), industry, source, rng.choice(COUNTRIES), str(rng.randint(5, 20000))]


def invalid(rng, index):
    """Rows the Submitter must reject with a reason: bad email, no identity, bad domain, personal/disposable email."""
    row = lead(rng, index)
    problem = index % 5
    if problem == 0:
        row[0] = f"not-an-email-{index}"
    elif problem == 1:
        row[0], row[4] = "", ""
    elif problem == 2:
        row[0], row[4] = "", "not a domain"
    elif problem == 3:
        row[0], row[6] = f"{row[1].lower()}{index}@{rng.choice(PERSONAL)}", rng.choice(TECH)  # tech table rejects personal email
    else:
        row[0] = f"{row[1].lower()}{index}@{rng.choice(DISPOSABLE)}"  # every table rejects disposable email
    return row


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=2400, help="rows to write (default 2400)")
    parser.add_argument("--out", default="samples/leads.csv", help="output CSV path, or - for stdout")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--duplicate-share", type=float, default=0.03, help="share of rows repeating an earlier lead")
    parser.add_argument("--invalid-share", type=float, default=0.02, help="share of invalid rows")
    args = parser.parse_args()

    rng = random.Random(args.seed)
    recent = []
    out = sys.stdout if args.out == "-" else open(args.out, "w", newline="", encoding="utf-8")
    try:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(HEADER)
        for index in range(1, args.rows + 1):
            roll = rng.random()
            if recent and roll < args.duplicate_share:
                row = list(rng.choice(recent))
                row[0] = row[0].upper() if row[0] else row[0]  # same lead, written differently: still a duplicate
            elif roll < args.duplicate_share + args.invalid_share:
                row = invalid(rng, index)
            else:
                row = lead(rng, index)
                if len(recent) < 5000:
                    recent.append(row)
                elif rng.random() < 0.01:
                    recent[rng.randrange(len(recent))] = row
            writer.writerow(row)
    finally:
        if out is not sys.stdout:
            out.close()


if __name__ == "__main__":
    main()
