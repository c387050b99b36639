using ClayBus.Monitor.Budget;
using ClayBus.Monitor.Providers;
using ClayBus.Monitor.Status;
using ClayBus.ServiceDefaults;
using ClayBus.ServiceDefaults.Health;
using ClayBus.ServiceDefaults.Messaging;
using ClayBus.ServiceDefaults.Redis;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddClayBusRedis();
builder.AddBudgetTracking();
builder.AddProviderHealth();
builder.AddStatusApi();
builder.AddClayBusMessaging(bus =>
{
    bus.AddBudgetConsumers();
    bus.AddProviderHealthConsumers();
    bus.AddStatusConsumers();
});

var app = builder.Build();
app.MapClayBusHealth();
app.MapStatusApi();
app.MapDashboard();
app.Run();

public partial class Program;
