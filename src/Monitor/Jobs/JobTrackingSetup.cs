using ClayBus.Contracts.Tracking;
using ClayBus.Monitor.Persistence;
using ClayBus.ServiceDefaults.Configuration;
using MassTransit;
using Microsoft.Extensions.Options;

namespace ClayBus.Monitor.Jobs;

public static class JobTrackingSetup
{
    /// <summary>Options and the progress aggregator that feeds the job saga from the callbacks' counters.</summary>
    public static IHostApplicationBuilder AddJobTracking(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<JobTrackingOptions>(JobTrackingOptions.Section);
        builder.Services.AddMetrics();
        builder.Services.AddSingleton<JobProgressSignal>();
        builder.Services.AddSingleton<TableBlockStore>();
        builder.Services.AddSingleton<ITableBlockReader>(provider => provider.GetRequiredService<TableBlockStore>());
        builder.Services.AddHostedService<JobProgressAggregator>();
        return builder;
    }

    /// <summary>The job saga, stored in Redis; finished jobs expire after <c>Jobs:FinishedRetention</c>,
    /// the others <c>Jobs:UnfinishedRetention</c> after their last change.</summary>
    public static IBusRegistrationConfigurator AddJobTracking(this IBusRegistrationConfigurator bus)
    {
        bus.AddSagaStateMachine<JobStateMachine, JobState, JobStateDefinition>()
            .RedisRepository((provider, repository) =>
            {
                repository.KeyPrefix = "saga:job:";
                var options = provider.GetRequiredService<IOptions<JobTrackingOptions>>().Value;
                repository.FinishedExpiry = options.FinishedRetention;
                repository.OpenExpiry = options.UnfinishedRetention;
                repository.MarksFor = JobBatchBook.FieldsFor;
                repository.IsFinished = job => job.CurrentState is nameof(JobPhase.Completed) or nameof(JobPhase.CompletedWithFailures) or nameof(JobPhase.Cancelled);
            });
        return bus;
    }
}
