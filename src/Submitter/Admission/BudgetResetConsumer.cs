using ClayBus.Contracts.Credits;
using ClayBus.Contracts.Submission;
using ClayBus.ServiceDefaults.Messaging;
using ClayBus.Submitter.Batching;
using MassTransit;

namespace ClayBus.Submitter.Admission;

/// <summary>A new budget day: publish what was held for it, then tell the job saga per job and table.</summary>
public sealed class BudgetResetConsumer(HeldBatches held, TimeProvider clock, SubmitterMetrics metrics, ILogger<BudgetResetConsumer> logger)
    : IConsumer<BudgetReset>
{
    public async Task Consume(ConsumeContext<BudgetReset> context)
    {
        var released = await held.ReleaseAsync(context.Message.Limit, async batch =>
        {
            await BatchPublisher.PublishAsync(context, batch, context.CancellationToken);
            metrics.BatchesPublished.Add(1);
        });

        foreach (var group in released.GroupBy(batch => (batch.JobId, batch.TableKey)))
        {
            await context.Publish(new HeldBatchesReleased(group.Key.JobId, group.Key.TableKey, group.Count(), group.Sum(batch => batch.Rows.Count), clock.GetUtcNow()));
        }

        var stillHeld = await held.CountAsync();
        if (logger.IsEnabled(LogLevel.Information))
        {
            logger.LogInformation("Budget reset for {Day}: released {Batches} held batches; {Remaining} still held", context.Message.Day, released.Count, stillHeld);
        }
    }
}

public sealed class BudgetResetConsumerDefinition : ConsumerDefinition<BudgetResetConsumer>
{
    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<BudgetResetConsumer> consumerConfigurator, IRegistrationContext context)
    {
        // One release at a time: two instances releasing the same list would only interleave, but one is simpler to reason about.
        endpointConfigurator.ConcurrentMessageLimit = 1;
        endpointConfigurator.UseMessageRetry(retry =>
        {
            retry.IgnoreRedisOutages();
            retry.Intervals(500, 2000, 5000);
        });
    }
}
