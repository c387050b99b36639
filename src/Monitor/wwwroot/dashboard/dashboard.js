// ClayBus dashboard: polls the status API and redraws. No framework, no CDN: everything is served by the Monitor.
"use strict";

const REFRESH_MS = 3000;
const KEY_STORE = "claybus.apiKey";

// The key lives in this tab's sessionStorage only. A link may hand it over in the fragment (#key=…), which browsers
// never send to a server, and the page removes it from the address at once.
function apiKey() {
  const handed = new URLSearchParams(location.hash.slice(1)).get("key");
  if (handed) {
    sessionStorage.setItem(KEY_STORE, handed);
    history.replaceState(null, "", location.pathname + location.search);
  }
  return sessionStorage.getItem(KEY_STORE);
}

function askForKey(problem) {
  sessionStorage.removeItem(KEY_STORE);
  document.getElementById("key-problem").textContent = problem || "";
  document.getElementById("key-form").hidden = false;
  document.querySelector("main").hidden = true;
}

document.getElementById("key-form").addEventListener("submit", (event) => {
  event.preventDefault();
  sessionStorage.setItem(KEY_STORE, document.getElementById("key-input").value.trim());
  document.getElementById("key-input").value = "";
  document.getElementById("key-form").hidden = true;
  document.querySelector("main").hidden = false;
  refresh();
});

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (key === "class") node.className = value;
    else if (key === "style") node.setAttribute("style", value);
    else node.setAttribute(key, value);
  }
  for (const child of children) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function svg(tag, attrs, text) {
  const node = document.createElementNS("http://www.w3.org/2000/svg", tag);
  for (const [key, value] of Object.entries(attrs || {})) node.setAttribute(key, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

function bar(share, tone, marker) {
  const pct = Math.max(0, Math.min(1, share || 0)) * 100;
  const node = el("div", { class: "bar", title: pct.toFixed(1) + "%" }, el("span", { class: tone || "", style: "width:" + pct.toFixed(1) + "%" }));
  if (marker !== undefined) node.append(el("i", { style: "left:" + (marker * 100).toFixed(1) + "%" }));
  return node;
}

function num(value, digits) {
  if (value === null || value === undefined) return "–";
  return Number(value).toLocaleString("en-US", { maximumFractionDigits: digits === undefined ? 2 : digits });
}

function when(value) {
  if (!value) return "–";
  const date = new Date(value);
  return date.toISOString().replace("T", " ").slice(0, 16) + " UTC";
}

function table(headers, rows) {
  return el("table", {}, el("thead", {}, el("tr", {}, ...headers.map((h) => el("th", {}, h)))),
    el("tbody", {}, ...rows.map((cells) => el("tr", {}, ...cells.map((c) => el("td", {}, c))))));
}

function replace(id, ...nodes) {
  const target = document.getElementById(id);
  target.replaceChildren(...nodes.filter((node) => node !== null && node !== undefined));
}

async function load(path) {
  const response = await fetch(path, { headers: { Accept: "application/json", "X-Api-Key": apiKey() || "" } });
  if (response.status === 401) {
    askForKey("That key is not known to this Monitor.");
    throw new Error(path + " needs an API key");
  }
  if (response.status === 403) throw new Error("this key lacks the read role");
  if (!response.ok) throw new Error(path + " answered " + response.status);
  return response.json();
}

// renderBudget is in budget.js, loaded before this file.

// Paused Enrichers stop taking batches; the reason says what ends the pause (budget reset, Clay back, Redis back).
function renderEnrichers(report) {
  const state = document.getElementById("enrichers-state");
  state.textContent = report.paused.length ? report.paused.length + " paused" : "delivering";
  state.className = "badge " + (report.paused.length ? "warn" : "ok");
  if (report.paused.length === 0) {
    replace("enrichers-body", el("p", { class: "empty" }, "No Enricher reports a pause."));
    return;
  }
  replace("enrichers-body", table(["enricher", "reason", "detail", "since", "next probe"], report.paused.map((p) => [
    el("code", {}, p.instance), el("span", { class: "badge warn" }, p.reason), p.detail, when(p.since), when(p.probeAt),
  ])));
}

function renderJobs(jobs) {
  if (jobs === null) {
    replace("jobs-body", el("p", { class: "empty" }, "Job status is not available."));
    return;
  }
  if (jobs.length === 0) {
    replace("jobs-body", el("p", { class: "empty" }, "No jobs."));
    return;
  }
  replace("jobs-body", table(["job", "state", "progress", "rows", "failed", "credits", "per table"], jobs.map((job) => {
    const done = job.rowsEnriched + job.rowsFailed + job.rowsDeadLettered;
    const share = job.rowsAccepted ? done / job.rowsAccepted : 0;
    const tone = job.phase === "stuck" || job.rowsFailed > 0 ? "warn" : "ok";
    const state = job.reopens ? job.phase + " (reopened " + job.reopens + "×)" : job.phase;
    return [el("code", { "data-job": job.jobId }, job.jobId.slice(0, 8)), el("span", { class: "job-state" }, state), bar(share, tone),
      num(done, 0) + " / " + num(job.rowsAccepted, 0), num(job.rowsFailed + job.rowsDeadLettered, 0), num(job.creditsSpent),
      el("div", {}, ...(job.tables || []).map(tableProgress))];
  })));
}

// One table of a job: called back of accepted, and what waits in a dead-letter queue.
function tableProgress(t) {
  const done = t.rowsEnriched + t.rowsNoData + t.rowsError;
  const tone = t.rowsDeadLettered > 0 ? "bad" : t.rowsError > 0 ? "warn" : "ok";
  return el("div", { class: "table-progress", "data-table": t.tableKey },
    el("span", {}, t.tableKey + " " + num(done, 0) + " / " + num(t.rowsAccepted, 0) + (t.rowsDeadLettered ? ", " + num(t.rowsDeadLettered, 0) + " dead-lettered" : "")),
    bar(t.rowsAccepted ? done / t.rowsAccepted : 0, tone));
}

function renderProviders(report) {
  if (report.providers.length === 0) {
    replace("providers-body", el("p", { class: "empty" }, "No provider outcomes yet."));
    return;
  }
  const rows = report.providers.map((p) => [
    p.provider,
    bar(p.successRate, p.state === "healthy" ? "ok" : "bad", report.degradedBelow),
    num(p.successRate * 100, 1) + "% of " + p.samples,
    el("span", { class: "badge " + (p.state === "healthy" ? "ok" : p.state === "ejected" ? "bad" : "warn") }, p.state),
  ]);
  const routes = Object.entries(report.routes || {});
  replace("providers-body", table(["provider", "success", "window", "state"], rows),
    routes.length ? el("p", { class: "muted" }, "Rerouted: " + routes.map(([t, v]) => t + " → " + v).join(", ")) : null);
}

function renderWebhooks(report) {
  if (report.tables.length === 0) {
    replace("webhooks-body", el("p", { class: "empty" }, "No deliveries yet."));
    return;
  }
  replace("webhooks-body", table(["table", "used", "remaining", "runs out"], report.tables.map((t) => {
    const share = t.usedShare === null ? 0 : t.usedShare;
    const tone = t.poolExhausted ? "bad" : t.capacityLow || share >= 0.8 ? "warn" : "ok";
    return [t.tableKey, bar(share, tone), t.remaining === null ? "uncapped" : num(t.remaining, 0), t.poolExhausted ? "pool exhausted" : when(t.runsOutAt)];
  })));
}

function renderDeadLetters(report) {
  const total = document.getElementById("dlq-total");
  total.textContent = report.available ? String(report.total) : "unknown";
  total.className = "badge " + (!report.available ? "warn" : report.total > 0 ? "bad" : "ok");
  if (!report.available) {
    replace("dead-letters-body", el("p", { class: "empty" }, report.error || "The management API could not be read."));
    return;
  }
  const queues = report.queues.filter((q) => q.depth > 0);
  if (queues.length === 0) {
    replace("dead-letters-body", el("p", { class: "empty" }, "No dead letters."),
      requeueNote ? el("p", { id: "requeue-result", class: "muted" }, requeueNote) : null);
    return;
  }
  replace("dead-letters-body",
    table(["queue", "depth", "unindexed"], queues.map((q) => [q.queue, num(q.depth, 0), num(q.unindexed || 0, 0)])),
    table(["group", "queue", "cause", "count", "tables", "last failed", ""], report.groups.map((g) => [
      el("code", {}, g.id), g.queue, g.exceptionType + ": " + g.message, num(g.count, 0),
      Object.entries(g.tables || {}).map(([t, n]) => t + " " + num(n, 0)).join(", "), when(g.lastFailedAt),
      canOperate ? requeueButton(g) : null,
    ])),
    el("p", { id: "requeue-result", class: "muted" }, requeueNote));
}

// Offered only to keys with the operate role (GET /status/key); the run is the CLI's paced requeue with its canary.
let canOperate = false;
let requeueNote = "";

function requeueButton(group) {
  const button = el("button", { type: "button", class: "requeue", "data-group": group.id }, "requeue");
  button.addEventListener("click", async () => {
    button.disabled = true;
    const response = await fetch("/dead-letters/requeues", {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-Api-Key": apiKey() || "" },
      body: JSON.stringify({ queue: group.queue, group: group.id }),
    });
    const body = await response.json().catch(() => ({}));
    if (!response.ok) {
      showRequeue("Requeue of group " + group.id + " refused: " + (body.detail || response.status));
      return;
    }
    followRequeue(body, group.id);
  });
  return button;
}

function showRequeue(note) {
  requeueNote = note;
  const target = document.getElementById("requeue-result");
  if (target) target.textContent = note;
}

// Follows the run until it ends, as `claybus dlq requeue` does, so the page says how many moved and why it stopped.
async function followRequeue(run, groupId) {
  for (;;) {
    showRequeue("Requeue run " + (run.runId || "") + " of group " + groupId + ": " + run.state + ", " + num(run.moved || 0, 0) + " moved"
      + (run.reason ? " (" + run.reason + ")" : ""));
    if (run.state !== "running" || !run.runId) return;
    await new Promise((resolve) => setTimeout(resolve, 1000));
    try {
      run = await load("/dead-letters/requeues/" + run.runId);
    } catch {
      return;
    }
  }
}

async function refresh() {
  if (!apiKey()) {
    askForKey();
    return;
  }
  try {
    canOperate = (await load("/status/key")).roles.includes("operate");
  } catch {
    canOperate = false;
  }
  const sections = [
    ["/status/budget", renderBudget, "budget-figures"],
    ["/status/enrichers", renderEnrichers, "enrichers-body"],
    ["/status/jobs", renderJobs, "jobs-body"],
    ["/status/providers", renderProviders, "providers-body"],
    ["/status/webhooks", renderWebhooks, "webhooks-body"],
    ["/status/dead-letters", renderDeadLetters, "dead-letters-body"],
  ];
  await Promise.all(sections.map(async ([path, render, target]) => {
    try {
      render(await load(path));
    } catch (error) {
      if (path === "/status/jobs") renderJobs(null);
      else replace(target, el("p", { class: "empty" }, String(error.message)));
    }
  }));
  if (!apiKey()) return;
  document.getElementById("updated").textContent = "updated " + new Date().toISOString().slice(11, 19) + " UTC";
  document.body.dataset.loaded = "true";
}

refresh();
setInterval(refresh, REFRESH_MS);
