namespace ClayBus.Contracts.Delivery;

/// <summary>
/// A webhook passed its warning threshold (40,000 records by default). Published once per webhook by the Enricher;
/// consumed by the Monitor (status, alerts). <see cref="Webhook"/> is masked to its last 6 characters.
/// </summary>
public record WebhookCapacityLow(string TableKey, string Webhook, long RecordsUsed, long RecordsCap, DateTimeOffset At);

/// <summary>
/// The Enricher moved a table from one webhook to the next of its pool (rotation threshold reached, 45,000 by
/// default). Published by the Enricher; consumed by the Monitor. Webhooks are masked.
/// </summary>
public record WebhookRotated(string TableKey, string FromWebhook, string ToWebhook, long FromRecordsUsed, DateTimeOffset At);

/// <summary>
/// Every webhook of a table is spent: the table's batches wait until a webhook is added to configuration.
/// Published once per exhaustion by the Enricher; consumed by the Monitor (status, alerts).
/// </summary>
public record WebhookPoolExhausted(string TableKey, int Webhooks, DateTimeOffset At);

/// <summary>
/// A table reached the share of Clay's 50,000-row table cap at which the Enricher stops sending to it
/// (<c>Tables:&lt;key&gt;:MaxRows</c>, 45,000 by default; auto-delete tables have no cap). Its batches wait, parked;
/// the fix is a new table (route to it) or auto-delete. Published once per fill by the Enricher; consumed by the
/// Monitor (status, stuck-job causes, alerts).
/// </summary>
public record TableFull(string TableKey, long RowsSent, long MaxRows, string Fix, DateTimeOffset At);
