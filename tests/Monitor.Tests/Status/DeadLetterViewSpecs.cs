using System.Net.Http.Json;
using System.Text.Json;
using ClayBus.Contracts.Delivery;
using ClayBus.Contracts.Submission;
using ClayBus.Monitor.Tests.Operations;
using ClayBus.Testing;
using MassTransit;

namespace ClayBus.Monitor.Tests.Status;

/// <summary>
/// The dead-letter view against the real broker: groups come from the faults as they happen, and looking at them
/// never touches a queue (a get and requeue would mark each message redelivered, and a quorum queue with a delivery
/// limit drops a message after enough of them).
/// </summary>
[Trait("Category", "Integration")]
public sealed class DeadLetterViewSpecs(MonitorFixture monitor) : IClassFixture<MonitorFixture>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Should_leave_every_dead_letters_redelivered_flag_untouched_while_viewed()
    {
        await monitor.DeadLetterAsync("view-spec", "ClayBus.ClayRejected", "Clay answered 422", 5);
        await Eventually.Until(async () => Depth(await Report(), "view-spec_error") == 5, Deadline, "view-spec_error's depth in the management API");

        // As an open dashboard does, every 3 s.
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(5, Depth(await Report(), "view-spec_error"));
        }

        await using var broker = await RawBroker.ConnectAsync(monitor);
        var letters = await broker.DrainWithFlagsAsync("view-spec_error");
        Assert.Equal(5, letters.Count);
        Assert.All(letters, letter => Assert.False(letter.Redelivered));
    }

    [Fact]
    public async Task Should_group_real_faults_by_normalised_cause_with_their_tables_and_jobs()
    {
        var job = Guid.NewGuid();
        for (var i = 0; i < 3; i++)
        {
            await PublishFaultAsync(job, i < 2 ? "fault-crm" : "fault-erp", $"table 'fault-spec' is not configured (batch {Guid.NewGuid()})");
        }

        await monitor.DeadLetterAsync("deliver-batch", "ClayBus.Enricher.TableNotConfigured", "table 'fault-spec' is not configured", 3, indexed: false);

        var group = await Eventually.Value(
            async () => (await Report()).GetProperty("groups").EnumerateArray().FirstOrDefault(g => g.GetProperty("message").GetString() == "table 'fault-spec' is not configured (batch <id>)"),
            g => g.ValueKind == JsonValueKind.Object && g.GetProperty("count").GetInt32() == 3,
            Deadline,
            "one group of the three faults");

        Assert.Equal("deliver-batch_error", group.GetProperty("queue").GetString());
        Assert.Equal("ClayBus.Enricher.TableNotConfigured", group.GetProperty("exceptionType").GetString());
        Assert.Equal(2, group.GetProperty("tables").GetProperty("fault-crm").GetInt32());
        Assert.Equal(1, group.GetProperty("tables").GetProperty("fault-erp").GetInt32());
        Assert.Equal(3, group.GetProperty("jobs").GetProperty(job.ToString()).GetInt32());
        Assert.Equal(3, group.GetProperty("sampleMessageIds").GetArrayLength());
    }

    private Task PublishFaultAsync(Guid job, string table, string reason) =>
        monitor.Enricher.Publish<Fault<DeliverBatch>>(new
        {
            FaultId = NewId.NextGuid(),
            FaultedMessageId = NewId.NextGuid(),
            Timestamp = DateTimeOffset.UtcNow,
            Exceptions = new ExceptionInfo[] { new SpecException("ClayBus.Enricher.TableNotConfigured", reason) },
            FaultMessageTypes = new[] { "urn:message:ClayBus.Contracts.Delivery:DeliverBatch" },
            Message = new DeliverBatch(job, NewId.NextGuid(), table, JobPriority.Normal, [], 0m, DateTimeOffset.UtcNow),
        });

    private Task<JsonElement> Report() => monitor.Client.GetFromJsonAsync<JsonElement>("status/dead-letters");

    private static long Depth(JsonElement report, string queue) =>
        report.GetProperty("queues").EnumerateArray().FirstOrDefault(q => q.GetProperty("queue").GetString() == queue) is { ValueKind: JsonValueKind.Object } found
            ? found.GetProperty("depth").GetInt64()
            : -1;

    /// <summary>An exception as a fault carries it (an initializer from an anonymous object leaves the array empty).</summary>
    private sealed record SpecException(string ExceptionType, string Message) : ExceptionInfo
    {
        public ExceptionInfo? InnerException => null;

        public string StackTrace => "";

        public string Source => "spec";

        public IDictionary<string, object>? Data => null;
    }
}
