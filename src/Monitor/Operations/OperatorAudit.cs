using System.Text.Json;
using ClayBus.ServiceDefaults.Redis;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace ClayBus.Monitor.Operations;

/// <summary>One operator action: who (the API key's name), when, what, on what, and the state before and after.</summary>
public sealed record OperatorAction(
    Guid Id,
    DateTimeOffset At,
    string Who,
    string Action,
    string Target,
    JsonElement? Before,
    JsonElement? After,
    string? Reason);

/// <summary>
/// The one audit log of operator actions, in Redis: a capped list, newest first, plus one per action so a filtered
/// query reads only its own entries. Both are written in one transaction.
/// </summary>
public sealed class OperatorAudit(RedisKeyspace redis, IOptions<OperationsOptions> options, TimeProvider clock)
{
    public const string CancelJob = "job.cancel";
    public const string RequeueDeadLetters = "dead-letters.requeue";
    public const string ChangeBudget = "budget.change";

    public static readonly IReadOnlyList<string> Actions = [CancelJob, RequeueDeadLetters, ChangeBudget];

    private const string Key = "audit:operator";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<OperatorAction> AppendAsync(string who, string action, string target, object? before, object? after, string? reason = null)
    {
        var entry = new OperatorAction(
            MassTransit.NewId.NextGuid(),
            clock.GetUtcNow(),
            who,
            action,
            target,
            before is null ? null : JsonSerializer.SerializeToElement(before, Json),
            after is null ? null : JsonSerializer.SerializeToElement(after, Json),
            reason);
        var json = JsonSerializer.Serialize(entry, Json);
        var keep = options.Value.AuditEntries - 1;
        var transaction = redis.Database.CreateTransaction();
        _ = transaction.ListLeftPushAsync(Key, json);
        _ = transaction.ListTrimAsync(Key, 0, keep);
        _ = transaction.ListLeftPushAsync(Key + ":" + action, json);
        _ = transaction.ListTrimAsync(Key + ":" + action, 0, keep);
        if (!await transaction.ExecuteAsync())
        {
            throw new RedisException("the audit entry was not written");
        }

        return entry;
    }

    /// <summary>Newest first; only <paramref name="action"/> when given.</summary>
    public async Task<IReadOnlyList<OperatorAction>> ReadAsync(int take, string? action) =>
        (await redis.Database.ListRangeAsync(action is null ? Key : Key + ":" + action, 0, take - 1))
            .Select(value => JsonSerializer.Deserialize<OperatorAction>(value.ToString(), Json)!)
            .ToList();
}
