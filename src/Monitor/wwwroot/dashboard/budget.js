// ClayBus dashboard, budget panel: figures, both meters' forecasts (chart and sentence) and charges above a price
// list. Loaded before dashboard.js, whose helpers (el, svg, num, when, table, replace) it calls at render time.
"use strict";

function renderBudget(budget) {
  const state = document.getElementById("budget-state");
  state.textContent = budget.state;
  state.className = "badge " + ({ ok: "ok", alert: "warn", exhausted: "bad" }[budget.state] || "");
  const ledger = budget.ledger;
  if (!ledger) {
    replace("budget-figures", el("p", { class: "empty" }, "The Enricher's credit ledger did not answer: figures unknown."));
    document.getElementById("budget-chart").replaceChildren();
    document.getElementById("budget-forecast").textContent = "";
    document.getElementById("budget-actions-forecast").textContent = "";
    renderAnomalies(budget.anomalies);
    return;
  }
  const used = ledger.reserved + ledger.spent;
  replace("budget-figures",
    el("div", {}, el("b", { id: "budget-used" }, num(used)), "used (reserved + spent)"),
    el("div", {}, el("b", {}, num(ledger.limit)), "daily limit"),
    el("div", {}, el("b", {}, num(ledger.remaining)), "remaining"),
    el("div", {}, el("b", {}, num((budget.usedShare || 0) * 100, 1) + "%"), "of the budget"),
    el("div", {}, el("b", { id: "budget-actions" }, num((ledger.actionsReserved || 0) + (ledger.actionsSpent || 0))),
      ledger.actionsLimit == null ? "Actions used (no limit)" : "Actions used of " + num(ledger.actionsLimit) + " (" + num(ledger.actionsRemaining) + " left)"),
    el("div", {}, el("b", {}, num((ledger.monthReserved || 0) + (ledger.monthSpent || 0))),
      ledger.monthlyLimit == null ? "credits this month" : "credits this month of " + num(ledger.monthlyLimit)),
    el("div", {}, el("b", {}, num((ledger.actionsMonthReserved || 0) + (ledger.actionsMonthSpent || 0))),
      ledger.actionsMonthlyLimit == null ? "Actions this month" : "Actions this month of " + num(ledger.actionsMonthlyLimit)),
    ...(ledger.heldTables && ledger.heldTables.length
      ? [el("div", {}, el("b", { class: "bad" }, ledger.heldTables.join(", ")), "held: charged above their price list")]
      : []));
  drawBudgetChart(budget, used);
  // The Monitor words each forecast once (ForecastWording) and `claybus status` prints the same sentence.
  document.getElementById("budget-forecast").textContent = budget.forecast.text || "";
  document.getElementById("budget-actions-forecast").textContent = budget.actionsForecast ? budget.actionsForecast.text : "";
  renderAnomalies(budget.anomalies);
}

// Charges above a table's price list: the table is held until an operator raises its prices or releases it.
function renderAnomalies(anomalies) {
  if (!anomalies || anomalies.length === 0) {
    replace("budget-anomalies");
    return;
  }
  replace("budget-anomalies", el("h3", {}, "Charged above the price list"),
    table(["table", "anomalies", "last", "latest charge"], anomalies.map((a) => {
      const latest = a.latest && a.latest[0];
      return [el("code", {}, a.tableKey), num(a.count, 0), when(a.lastAt),
        latest ? num(latest.charged) + " " + latest.meter.replace("_", " ") + " charged, " + num(latest.reserved) + " reserved" + (latest.provider ? " (" + latest.provider + ")" : "") : "–"];
    })));
}

// Each meter is drawn as a share of its own daily limit, so credits (blue) and Actions (green) share one axis and
// one limit line; each dashed line is its forecast's projection, ending red where the limit is reached.
function drawBudgetChart(budget, used) {
  const chart = document.getElementById("budget-chart");
  chart.replaceChildren();
  const ledger = budget.ledger;
  const W = 1000, H = 220, L = 50, R = 20, T = 10, B = 25;
  const end = new Date(ledger.nextResetAt).getTime();
  const start = end - 24 * 3600 * 1000;
  // The Monitor's instant, so the solid line meets the dashed one whatever the browser's clock says.
  const first = (budget.forecast.projection || [])[0];
  const now = first ? new Date(first.at).getTime() : Date.now();
  const actionsUsed = (ledger.actionsReserved || 0) + (ledger.actionsSpent || 0);
  const meters = [{ id: "forecast", forecast: budget.forecast, limit: ledger.limit, used: used, color: "#3461d1" }];
  if (budget.actionsForecast && ledger.actionsLimit) {
    meters.push({ id: "actions-forecast", forecast: budget.actionsForecast, limit: ledger.actionsLimit, used: actionsUsed, color: "#1f8a5b" });
  }
  const top = Math.max(1, ...meters.map((m) => (m.limit > 0 ? m.used / m.limit : 1))) * 1.1;
  const x = (t) => L + ((Math.min(Math.max(t, start), end) - start) / (end - start)) * (W - L - R);
  const y = (share) => H - B - (Math.min(share, top) / top) * (H - T - B);
  chart.append(svg("rect", { x: L, y: T, width: W - L - R, height: H - T - B, fill: "#fafbfc", stroke: "#e6e9ef" }));
  chart.append(svg("line", { x1: L, x2: W - R, y1: y(1), y2: y(1), stroke: "#d2423b", "stroke-width": 2 }));
  chart.append(svg("text", { x: 4, y: y(1) + 4 }, "limit"));
  chart.append(svg("line", { x1: L, x2: W - R, y1: y(0.8), y2: y(0.8), stroke: "#d98b1a", "stroke-dasharray": "4 3" }));
  chart.append(svg("text", { x: 4, y: y(0.8) + 4 }, "80%"));
  for (const meter of meters) {
    const share = (v) => (meter.limit > 0 ? v / meter.limit : 1);
    const samples = (meter.forecast.samplesSeen || []).map((s) => [new Date(s.at).getTime(), share(s.used)]);
    samples.push([now, share(meter.used)]);
    chart.append(svg("polyline", { id: meter.id + "-used", points: samples.map(([t, v]) => x(t) + "," + y(v)).join(" "), fill: "none", stroke: meter.color, "stroke-width": 2.5 }));
    chart.append(svg("circle", { cx: x(now), cy: y(share(meter.used)), r: 4, fill: meter.color }));
    const projection = (meter.forecast.projection || []).map((p) => [new Date(p.at).getTime(), share(p.used)]);
    if (projection.length >= 2) {
      chart.append(svg("polyline", { id: meter.id + "-line", points: projection.map(([t, v]) => x(t) + "," + y(v)).join(" "), fill: "none", stroke: meter.color, "stroke-dasharray": "6 4" }));
      if (meter.forecast.outlook === "today") {
        const [t, v] = projection[projection.length - 1];
        chart.append(svg("circle", { id: meter.id + "-limit", cx: x(t), cy: y(v), r: 4, fill: "#d2423b" }));
      }
    }
  }
  for (let h = 0; h <= 24; h += 6) {
    const t = start + h * 3600000;
    chart.append(svg("text", { x: x(t), y: H - 8, "text-anchor": h === 0 ? "start" : h === 24 ? "end" : "middle" }, new Date(t).toISOString().slice(11, 16)));
  }
  if (meters.length > 1) {
    chart.append(svg("text", { x: W - R - 4, y: T + 14, "text-anchor": "end", fill: "#1f8a5b" }, "Actions"));
    chart.append(svg("text", { x: W - R - 64, y: T + 14, "text-anchor": "end", fill: "#3461d1" }, "credits"));
  }
}
