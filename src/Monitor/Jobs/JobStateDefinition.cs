using ClayBus.Contracts.Delivery;
using ClayBus.Contracts.Submission;
using ClayBus.Contracts.Tracking;
using MassTransit;
using Microsoft.Extensions.Options;

namespace ClayBus.Monitor.Jobs;

/// <summary>
/// The saga's endpoint (<c>job-state</c>): events of one job go through one partition (no races inside a process),
/// version conflicts between processes are retried, and publishes leave only after the instance is written.
/// </summary>
public sealed class JobStateDefinition : SagaDefinition<JobState>
{
    private readonly JobTrackingOptions _options;

    public JobStateDefinition(IOptions<JobTrackingOptions> options)
    {
        _options = options.Value;
        ConcurrentMessageLimit = _options.SagaPartitions * 2;
    }

    protected override void ConfigureSaga(IReceiveEndpointConfigurator endpointConfigurator, ISagaConfigurator<JobState> sagaConfigurator, IRegistrationContext context)
    {
        endpointConfigurator.PrefetchCount = _options.SagaPartitions * 4;
        // Conflicts come from another Monitor instance writing the same job: replay against the fresh instance.
        endpointConfigurator.UseMessageRetry(retry =>
        {
            retry.Handle<ConcurrencyException>();
            retry.Handle<SagaException>(exception => exception.InnerException is ConcurrencyException);
            retry.Intervals(10, 25, 50, 100, 200, 400, 800, 1000, 1000, 1000);
        });
        endpointConfigurator.UseInMemoryOutbox(context);

        var partition = endpointConfigurator.CreatePartitioner(_options.SagaPartitions);
        sagaConfigurator.Message<JobSubmitted>(m => m.UsePartitioner(partition, c => c.Message.JobId));
        sagaConfigurator.Message<BatchDelivered>(m => m.UsePartitioner(partition, c => c.Message.JobId));
        sagaConfigurator.Message<Fault<DeliverBatch>>(m => m.UsePartitioner(partition, c => c.Message.Message.JobId));
        sagaConfigurator.Message<JobProgressed>(m => m.UsePartitioner(partition, c => c.Message.JobId));
        sagaConfigurator.Message<HeldBatchesReleased>(m => m.UsePartitioner(partition, c => c.Message.JobId));
        sagaConfigurator.Message<CancelJob>(m => m.UsePartitioner(partition, c => c.Message.JobId));
        sagaConfigurator.Message<StuckCheckDue>(m => m.UsePartitioner(partition, c => c.Message.JobId));
    }
}
