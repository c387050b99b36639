namespace ClayBus.Enricher.ClayClient;

/// <summary>
/// Renews the leases of the rows an attempt carries. It runs before the attempt asks the shared limiter for its slot,
/// not between the slot and the request: a slow Redis answer there made requests late for Clay's bucket (429s).
/// It must run before the request, never beside it: a lease that cannot be renewed (Redis away) stops the send, or the
/// rows would reach Clay without being markable as sent and go again after the outage (a Redis-restart run duplicated
/// 140). A slot wait longer than half the <see cref="Lease"/> renews again before the request.
/// </summary>
public sealed record RowLeaseRenewal(Func<Task> RenewAsync, TimeSpan Lease);
