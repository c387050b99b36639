using ClayBus.Enricher.ClayClient;
using ClayBus.Enricher.Credits;
using ClayBus.Enricher.Delivery;
using ClayBus.Enricher.Parking;
using ClayBus.Enricher.Pausing;
using ClayBus.Enricher.RateLimiting;
using ClayBus.Enricher.Webhooks;
using ClayBus.ServiceDefaults;
using ClayBus.ServiceDefaults.Health;
using ClayBus.ServiceDefaults.Messaging;
using ClayBus.ServiceDefaults.Redis;

// The Enricher: takes DeliverBatch from the priority queue deliver-batch and sends its rows to the table's Clay
// webhook under one workspace-wide rate limit, a hard credit budget and per-row idempotency. Start with
// Delivery/DeliverBatchConsumer.cs, then Delivery/BatchSender.cs.
var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddClayBusRedis();
builder.AddWebhookPool();      // Tables:<key>:Webhooks (secrets, reloaded), Webhooks:WarnAt|RotateAt|HardCap
builder.AddCreditStore();      // Budget:DailyLimit|MonthlyLimit|TimeZone|AlertShare
builder.AddSharedRateLimit();  // RateLimit:RecordsPerSecond|Burst|HeadroomMilliseconds
builder.AddClayClient();       // Clay:AttemptTimeoutSeconds, retries, breaker
builder.AddDelivery();         // Delivery:*, row idempotency, pausing, readiness
builder.AddParking();          // Parking:SchedulerQueue|RecheckSeconds: waiting tables' batches, in the Monitor's scheduler
builder.AddClayBusMessaging(bus => bus.AddEnricherConsumers());
builder.AddDeliveryWatchdog(); // ConsumerWatchdog:* — exits 75 when deliver-batch lost its consumer, never while paused

var app = builder.Build();
app.MapClayBusHealth();
app.Run();

public partial class Program;
