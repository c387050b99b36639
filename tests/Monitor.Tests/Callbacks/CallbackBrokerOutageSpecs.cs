using System.Net;
using ClayBus.Contracts.Tracking;
using ClayBus.Monitor.Callbacks;
using ClayBus.Monitor.Tests.Integration;
using ClayBus.Monitor.Tests.Jobs;
using ClayBus.ServiceDefaults.Messaging;
using ClayBus.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ClayBus.Monitor.Tests.Callbacks;

/// <summary>A callback whose row event the broker cannot take (its node lost) is recorded, answered 503, and settled on Clay's retry.</summary>
[Trait("Category", "Integration")]
public sealed class CallbackBrokerOutageSpecs(InfrastructureFixture infrastructure) : IClassFixture<InfrastructureFixture>
{
    [Theory]
    [InlineData(BrokerState.Failing)]
    [InlineData(BrokerState.Hanging)]
    public async Task Should_answer_503_while_the_broker_is_away_and_count_the_row_once_when_Clay_retries(BrokerState away)
    {
        var (gatedBus, gate) = BrokerGate.Over();
        await using var monitor = await MonitorHost.StartAsync(
            infrastructure,
            new Dictionary<string, string?> { ["Callbacks:PublishTimeoutSeconds"] = "1" },
            services => services.AddSingleton(provider =>
            {
                gate.Inner = provider.GetRequiredService<IBus>();
                return new CallbackPublishing(
                    gatedBus,
                    provider.GetRequiredService<IStalledProcessExit>(),
                    provider.GetRequiredService<IOptionsMonitor<CallbackOptions>>(),
                    TimeProvider.System,
                    provider.GetRequiredService<ILogger<CallbackPublishing>>());
            }));
        await using var events = await EventRecorder.StartAsync(monitor.Bus, (endpoint, keep) => endpoint.Handler<RowEnriched>(context => Task.Run(() => keep(context.Message))));
        var job = new JobMessages(NewId.NextGuid(), rows: 2, rowsPerBatch: 2);
        await monitor.Bus.Publish(job.Delivered(0));
        await Eventually.Until(async () => (await monitor.Client.GetAsync(new Uri($"/rows/{job.RowIds[0]}", UriKind.Relative))).StatusCode == HttpStatusCode.OK, TimeSpan.FromSeconds(30), "the delivery to reach lineage");

        gate.State = away;
        var during = await Callback.Send(monitor.Client, job.Table, Callback.Body(job.JobId, job.RowIds[0]));
        gate.State = BrokerState.Up;
        var retried = await Callback.Send(monitor.Client, job.Table, Callback.Body(job.JobId, job.RowIds[0]));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, during.StatusCode);
        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        await monitor.JobWhere(job.JobId, j => j.RowsEnriched == 1, "the saga to count the row Clay called back twice for");
        await Eventually.Until(() => events.Of<RowEnriched>().Any(e => e.RowId == job.RowIds[0]), TimeSpan.FromSeconds(10), "RowEnriched after the retry");
        Assert.Single(events.Of<RowEnriched>(), e => e.RowId == job.RowIds[0]);
    }
}
