using System.Text.Json;
using ClayBus.ServiceDefaults.Redis;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace ClayBus.Monitor.Operations;

/// <summary>The states of an audit entry: written <c>started</c> before the action, completed after it.</summary>
public static class AuditState
{
    public const string Started = "started";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
}

/// <summary>
/// One operator action: who (the API key's name), when, what, on what, and the state before and after. An entry
/// still <c>started</c> long after <see cref="At"/> is an action whose outcome the Monitor could not record.
/// </summary>
public sealed record OperatorAction(
    Guid Id,
    DateTimeOffset At,
    string Who,
    string Action,
    string Target,
    JsonElement? Before,
    JsonElement? After,
    string? Reason,
    string State = AuditState.Started,
    string? Detail = null,
    DateTimeOffset? CompletedAt = null);

/// <summary>
/// The one audit log of operator actions, in Redis: each entry in the hash <c>audit:operator:entries</c> by id, and
/// capped lists of ids, newest first (<c>audit:operator:log</c>, and one per action so a filtered query reads only
/// its own). An entry is written before the action (<see cref="BeginAsync"/>: if Redis fails, the action must not
/// run) and completed after it, so a Redis blip never leaves an action without an entry.
/// </summary>
public sealed partial class OperatorAudit(RedisKeyspace redis, IOptions<OperationsOptions> options, TimeProvider clock, ILogger<OperatorAudit> logger)
{
    public const string CancelJob = "job.cancel";
    public const string RequeueDeadLetters = "dead-letters.requeue";
    public const string ChangeBudget = "budget.change";
    public const string ReleaseHold = "budget.release-hold";

    public static readonly IReadOnlyList<string> Actions = [CancelJob, RequeueDeadLetters, ChangeBudget, ReleaseHold];

    private const string Entries = "audit:operator:entries";
    private const string Log = "audit:operator:log";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Writes the entry in state <c>started</c>; throws when Redis does not take it, and then the action must not run.</summary>
    public async Task<OperatorAction> BeginAsync(string who, string action, string target, object? before, object? intent, string? reason = null)
    {
        var entry = new OperatorAction(MassTransit.NewId.NextGuid(), clock.GetUtcNow(), who, action, target, Element(before), Element(intent), reason);
        await OperatorAuditScripts.Append.EvaluateAsync(
            redis.Database,
            [("entries_key", Entries), ("log_key", Log), ("action_log_key", (Log + ":" + action))],
            [("id", entry.Id.ToString("N")), ("entry", JsonSerializer.Serialize(entry, Json)), ("given_keep", options.Value.AuditEntries)]);
        return entry;
    }

    /// <summary>
    /// Completes a started entry with the outcome. The action has happened, so a failure here is logged, not thrown:
    /// the entry then stays <c>started</c>, which reads as "outcome not recorded". False when it was not completed.
    /// </summary>
    public async Task<bool> CompleteAsync(OperatorAction started, bool succeeded, object? after, string? detail)
    {
        try
        {
            return await WriteCompletionAsync(started, succeeded, after, detail);
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            LogNotCompleted(exception, started.Id, started.Action, started.Target);
            return false;
        }
    }

    private async Task<bool> WriteCompletionAsync(OperatorAction started, bool succeeded, object? after, string? detail)
    {
        var entry = started with
        {
            State = succeeded ? AuditState.Succeeded : AuditState.Failed,
            After = after is null ? started.After : Element(after),
            Detail = detail,
            CompletedAt = clock.GetUtcNow(),
        };
        return (int)await OperatorAuditScripts.Complete.EvaluateAsync(
            redis.Database,
            [("entries_key", Entries)],
            [("id", entry.Id.ToString("N")), ("entry", JsonSerializer.Serialize(entry, Json))]) == 1;
    }

    /// <summary>Newest first; only <paramref name="action"/> when given.</summary>
    public async Task<IReadOnlyList<OperatorAction>> ReadAsync(int take, string? action)
    {
        var ids = await redis.Database.ListRangeAsync(action is null ? Log : Log + ":" + action, 0, take - 1);
        if (ids.Length == 0)
        {
            return [];
        }

        var values = await redis.Database.HashGetAsync(Entries, ids);
        return values.Where(value => value.HasValue).Select(value => JsonSerializer.Deserialize<OperatorAction>(value.ToString(), Json)!).ToList();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Audit entry {AuditId} ({Action} on {Target}) could not be completed; it stays 'started'")]
    private partial void LogNotCompleted(Exception exception, Guid auditId, string action, string target);

    private static JsonElement? Element(object? value) => value is null ? null : JsonSerializer.SerializeToElement(value, Json);
}
