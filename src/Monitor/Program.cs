using ClayBus.Monitor.Budget;
using ClayBus.Monitor.Callbacks;
using ClayBus.Monitor.Jobs;
using ClayBus.Monitor.Lineage;
using ClayBus.Monitor.Operations;
using ClayBus.Monitor.Providers;
using ClayBus.Monitor.Scheduling;
using ClayBus.Monitor.Status;
using ClayBus.ServiceDefaults;
using ClayBus.ServiceDefaults.Health;
using ClayBus.ServiceDefaults.Messaging;
using ClayBus.ServiceDefaults.Redis;
using ClayBus.ServiceDefaults.Security;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddApiKeys();
builder.AddClayBusRedis();
builder.AddRedisScheduler();
builder.AddJobTracking();
builder.AddCallbacks();
builder.AddLineage();
builder.AddBudgetTracking();
builder.AddProviderHealth();
builder.AddStatusApi();
builder.AddOperations();
builder.AddClayBusMessaging(
    bus =>
    {
        bus.AddRedisScheduler(builder.Configuration);
        bus.AddJobTracking();
        bus.AddLineage();
        bus.AddBudgetConsumers();
        bus.AddProviderHealthConsumers();
        bus.AddStatusConsumers();
    },
    (_, rabbit) => rabbit.UseRedisScheduler(builder.Configuration));
builder.AddConsumerWatchdog();  // exits 75 for a restart if an endpoint lost its consumer (ConsumerWatchdog:*)

var app = builder.Build();
app.UseApiKeys();
app.WithoutApiKey().MapClayBusHealth();
app.WithoutApiKey().MapCallbacks();
app.WithoutApiKey().MapDashboard();
app.MapLineage();
app.MapCallbackStatus();
app.MapStatusApi();
app.MapOperations();
app.Run();

public partial class Program;
