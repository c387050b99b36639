using ClayBus.ServiceDefaults;
using ClayBus.ServiceDefaults.Health;
using ClayBus.ServiceDefaults.Messaging;
using ClayBus.ServiceDefaults.Redis;
using ClayBus.ServiceDefaults.Security;
using ClayBus.Submitter.Admission;
using ClayBus.Submitter.Batching;
using ClayBus.Submitter.Dedupe;
using ClayBus.Submitter.Ingest;
using ClayBus.Submitter.Planning;
using ClayBus.Submitter.Routing;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddApiKeys();
builder.AddClayBusRedis();
builder.AddTableRouting();
builder.AddDedupe();
builder.AddBatching();
builder.AddAdmission();
builder.AddIngest();
builder.AddClayBusMessaging(bus =>
{
    bus.AddIngestConsumers();
    bus.AddAdmissionConsumers();
    bus.AddRoutingConsumers();
});
builder.AddConsumerWatchdog();  // exits 75 for a restart if an endpoint lost its consumer (ConsumerWatchdog:*)

var app = builder.Build();
app.UseApiKeys();
app.WithoutApiKey().MapClayBusHealth();
app.MapJobs();
app.MapPlanning();
app.Run();

public partial class Program;
