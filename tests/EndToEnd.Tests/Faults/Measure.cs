using System.Net.Http.Json;
using ClayBus.EndToEnd.Tests.Harness;
using ClayBus.Testing;

namespace ClayBus.EndToEnd.Tests.Faults;

/// <summary>Reads a scenario's outcome off ClaySim's counters, the ground truth of what Clay received and charged.</summary>
public static class Measure
{
    /// <summary>
    /// Waits until Clay holds <paramref name="expected"/> distinct records. A timeout is not thrown: the shortfall is the
    /// scenario's <c>rows_lost</c>, which the figures report and the assertions then name.
    /// </summary>
    public static async Task WaitForClayAsync(Pipeline pipeline, long expected, TimeSpan deadline)
    {
        try
        {
            await Eventually.Until(async () => await pipeline.DistinctAtClayAsync() >= expected, deadline, $"{expected} distinct records at Clay");
        }
        catch (TimeoutException)
        {
        }
    }

    public static async Task<FaultFigures> FiguresAsync(Pipeline pipeline, string scenario, long expected, long duplicatesBound, decimal? dailyLimit = null, long otherCrashes = 0)
    {
        var totals = (await pipeline.CountersAsync()).GetProperty("totals");
        var distinct = totals.GetProperty("recordsAccepted").GetInt64() - totals.GetProperty("duplicateRowIds").GetInt64();
        var charged = totals.GetProperty("dataCreditsCharged").GetDecimal();
        return new FaultFigures(
            scenario,
            RowsLost: Math.Max(0, expected - distinct),
            DuplicatesAtClay: totals.GetProperty("duplicateRowIds").GetInt64(),
            DuplicatesBound: duplicatesBound,
            CreditsOverBudget: dailyLimit is { } limit ? Math.Max(0, charged - limit) : 0,
            Crashes: pipeline.UnexpectedExits + otherCrashes);
    }

    /// <summary>Messages in every <c>_error</c> queue of the run's vhost: what MassTransit dead-lettered.</summary>
    public static async Task<long> DeadLettersAsync(Pipeline pipeline)
    {
        var rabbit = pipeline.Infrastructure.Rabbit;
        var queues = await rabbit.Management.GetFromJsonAsync<System.Text.Json.JsonElement>($"queues/{rabbit.EscapedName}");
        return queues.EnumerateArray()
            .Where(queue => queue.GetProperty("name").GetString()!.EndsWith("_error", StringComparison.Ordinal))
            .Sum(queue => queue.TryGetProperty("messages", out var messages) && messages.ValueKind == System.Text.Json.JsonValueKind.Number ? messages.GetInt64() : 0);
    }

    public static PipelineSettings Settings(IReadOnlyDictionary<string, string?>? extra = null, IReadOnlyDictionary<string, string?>? claySim = null) => new()
    {
        Extra = extra ?? new Dictionary<string, string?>(),
        ClaySimExtra = claySim ?? new Dictionary<string, string?>(),
    };
}
