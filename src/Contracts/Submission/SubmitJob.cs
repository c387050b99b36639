using System.Text.Json;

namespace ClayBus.Contracts.Submission;

/// <summary>
/// Submit a job of leads for enrichment.
/// Sent by upstream systems in any language as plain JSON (no MassTransit envelope) to the exchange
/// <c>submit-job</c> (fanout, durable), and by the Submitter's own HTTP API. Consumed by the Submitter.
/// </summary>
/// <param name="Rows">The leads: one JSON object each. Unknown fields pass through to Clay.</param>
/// <param name="Table"><c>auto</c> (route by rules) or a table key; <c>null</c> means <c>auto</c>.</param>
/// <param name="Priority"><c>high</c>, <c>normal</c> or <c>low</c>; <c>null</c> means <c>normal</c>.</param>
/// <param name="IdempotencyKey">The caller's key: a job resubmitted with the same key is a no-op.</param>
/// <param name="Source">Which upstream system sent the job, for lineage.</param>
public record SubmitJob(
    IReadOnlyList<IReadOnlyDictionary<string, JsonElement>> Rows,
    string? Table = null,
    string? Priority = null,
    string? IdempotencyKey = null,
    string? Source = null);
