using ClayBus.Contracts.Tracking;
using MassTransit;

namespace ClayBus.Enricher.Delivery;

public sealed class JobCancelledConsumer(CancelledJobs cancelled, ILogger<JobCancelledConsumer> logger) : IConsumer<JobCancelled>
{
    public async Task Consume(ConsumeContext<JobCancelled> context)
    {
        await cancelled.CancelAsync(context.Message.JobId);
        logger.JobCancelled(context.Message.JobId, context.Message.RequestedBy);
    }
}

public sealed class JobCancelledConsumerDefinition : ConsumerDefinition<JobCancelledConsumer>
{
    // Named for the Enricher: the Monitor may consume the same event on its own queue.
    public JobCancelledConsumerDefinition() => EndpointName = "enricher-job-cancelled";
}
