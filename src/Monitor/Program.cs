using ClayBus.ServiceDefaults;
using ClayBus.ServiceDefaults.Health;
using ClayBus.ServiceDefaults.Messaging;
using ClayBus.ServiceDefaults.Redis;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddClayBusRedis();
builder.AddClayBusMessaging(bus => { });

var app = builder.Build();
app.MapClayBusHealth();
app.Run();

public partial class Program;
