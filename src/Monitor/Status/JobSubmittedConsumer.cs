using ClayBus.Contracts.Submission;
using ClayBus.ServiceDefaults.Messaging;
using MassTransit;

namespace ClayBus.Monitor.Status;

/// <summary>Lists the job in the status API's index (the saga holds its figures).</summary>
public sealed class JobSubmittedConsumer(JobIndex jobs) : IConsumer<JobSubmitted>
{
    public Task Consume(ConsumeContext<JobSubmitted> context) => jobs.AddAsync(context.Message.JobId, context.Message.SubmittedAt);
}

public sealed class JobSubmittedConsumerDefinition : ConsumerDefinition<JobSubmittedConsumer>
{
    public JobSubmittedConsumerDefinition()
    {
        EndpointName = StatusSetup.WebhookEndpointName;
    }

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<JobSubmittedConsumer> consumerConfigurator, IRegistrationContext context) =>
        endpointConfigurator.UseMessageRetry(retry =>
        {
            retry.IgnoreRedisOutages();
            retry.Intervals(100, 500, 1000);
        });
}
