using ClayBus.Contracts.Credits;
using ClayBus.Contracts.Delivery;
using ClayBus.Enricher.Pausing;
using ClayBus.Enricher.Tests.Fixtures;
using ClayBus.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace ClayBus.Enricher.Tests.Integration;

[Trait("Category", "Integration")]
public sealed class BudgetSpecs(DeliveryFixture fixture) : IClassFixture<DeliveryFixture>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Should_spend_no_more_than_the_budget_across_three_instances_then_resume_when_it_is_raised()
    {
        var table = $"t-{Guid.NewGuid():N}"[..14];
        await fixture.Sim.CreateTableAsync(table);
        var hook = await fixture.Sim.CreateWebhookAsync(table);
        var settings = EnricherHost.Webhooks(table, [hook]);
        settings["Budget:DailyLimit"] = "100";
        var hosts = new[] { EnricherHost.Start(fixture, settings), EnricherHost.Start(fixture, settings), EnricherHost.Start(fixture, settings) };
        try
        {
            // 30 one-row batches of 6 credits race for 100 credits: exactly 16 rows (96 credits) may go out.
            var batches = Enumerable.Range(0, 30).Select(_ => EnricherHost.Batch(table, 1, creditsPerRow: 6)).ToList();
            await Task.WhenAll(batches.Select(fixture.Bus.PublishAsync));

            await Eventually.Until(() => fixture.Bus.Seen<BatchDelivered>().Count(d => d.TableKey == table) == 16, Deadline, "16 batches delivered");
            await Eventually.Until(() => hosts.All(h => h.Services.GetRequiredService<DeliveryPause>().IsPaused), Deadline, "every instance paused");
            var status = await RequestStatusAsync();
            Assert.Equal(96m, status.Reserved);
            Assert.True(status.Exhausted);
            Assert.Equal(16, await fixture.Sim.TableCounterAsync(table, "recordsAccepted"));
            Assert.Single(fixture.Bus.Seen<BudgetExhausted>());
            Assert.Single(fixture.Bus.Seen<BudgetThresholdReached>());
            Assert.Contains(fixture.Bus.Seen<DeliveryPaused>(), p => p.Reason == PauseReason.BudgetExhausted);
            Assert.True(await fixture.Rabbit.QueueDepthAsync("deliver-batch_error") <= 0, "a batch was dead-lettered for the budget");
            var ready = await hosts[0].Http.GetStringAsync(new Uri("/health/ready", UriKind.Relative));
            Assert.Contains("BudgetExhausted", ready, StringComparison.Ordinal);

            await fixture.Bus.Bus.Publish(new ChangeBudgetLimit(1000, null, "test"));

            await Eventually.Until(() => fixture.Bus.Seen<BatchDelivered>().Count(d => d.TableKey == table) == 30, Deadline, "every batch delivered after the raise");
            Assert.Equal(30, await fixture.Sim.TableCounterAsync(table, "recordsAccepted"));
            Assert.Single(fixture.Bus.Seen<BudgetLimitChanged>(), c => c.OldDailyLimit == 100 && c.DailyLimit == 1000);
            Assert.Single(fixture.Bus.Seen<BudgetReset>());
            Assert.Equal(180m, (await RequestStatusAsync()).Reserved);
        }
        finally
        {
            foreach (var host in hosts)
            {
                await host.DisposeAsync();
            }
        }
    }

    private async Task<BudgetStatus> RequestStatusAsync()
    {
        var client = fixture.Bus.Bus.CreateRequestClient<GetBudgetStatus>();
        var response = await client.GetResponse<BudgetStatus>(new GetBudgetStatus());
        return response.Message;
    }
}
