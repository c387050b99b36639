using ClayBus.Submitter.Admission;
using ClayBus.Submitter.Batching;
using ClayBus.Submitter.Dedupe;
using ClayBus.Submitter.Routing;
using MassTransit;
using Microsoft.Extensions.Options;

namespace ClayBus.Submitter.Ingest;

/// <summary>Everything a <see cref="JobRun"/> needs, gathered once per scope.</summary>
public sealed class JobRunFactory(
    TableRouter router,
    TableReroutes reroutes,
    RecentRows recentRows,
    BudgetGate budget,
    HeldBatches held,
    StagedBatches staged,
    BatchPublisher publisher,
    IOptions<BatchingOptions> batching,
    IOptions<AdmissionOptions> admission,
    IOptions<IngestOptions> ingest,
    SubmitterMetrics metrics,
    TimeProvider clock,
    ILogger<JobRun> logger)
{
    public JobRun Create(Guid jobId, JobRequest request, IPublishEndpoint endpoint, CancellationToken cancellationToken) =>
        new(jobId, request, endpoint, new JobRunDependencies(
            router, reroutes, recentRows, budget, held, staged, publisher, batching.Value, admission.Value, ingest.Value, metrics, clock, logger), cancellationToken);
}

public sealed record JobRunDependencies(
    TableRouter Router,
    TableReroutes Reroutes,
    RecentRows RecentRows,
    BudgetGate Budget,
    HeldBatches Held,
    StagedBatches Staged,
    BatchPublisher Publisher,
    BatchingOptions Batching,
    AdmissionOptions Admission,
    IngestOptions Ingest,
    SubmitterMetrics Metrics,
    TimeProvider Clock,
    ILogger<JobRun> Logger);
