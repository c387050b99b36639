using ClayBus.ClaySim.Admin;
using ClayBus.ClaySim.Enrichment;
using ClayBus.ClaySim.Faults;
using ClayBus.ClaySim.Ingest;
using ClayBus.ClaySim.Workspace;

// The Clay simulator: Clay's table webhooks with their limits, asynchronous enrichment through provider waterfalls,
// the HTTP API column calling back, faults on demand, and exact counters of everything received (docs/clay-interfaces.md).
var builder = WebApplication.CreateBuilder(args);
builder.AddClayWorkspace();
builder.Services.AddEnrichment();
builder.Services.AddProblemDetails();

var app = builder.Build();
app.MapIngest();
app.MapWorkspaceAdmin();
app.MapFaults();
app.MapCounters();
app.MapRows();
app.MapGet("/health/live", () => Results.Ok(new { status = "live" }));
app.MapGet("/health/ready", () => Results.Ok(new { status = "ready" }));
app.PrintWebhookUrlsAtStart();
app.Run();

public partial class Program;
