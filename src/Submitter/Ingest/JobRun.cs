using ClayBus.Contracts.Delivery;
using ClayBus.Submitter.Admission;
using ClayBus.Submitter.Batching;
using ClayBus.Submitter.Dedupe;
using ClayBus.Submitter.Routing;
using ClayBus.Submitter.Validation;
using MassTransit;

namespace ClayBus.Submitter.Ingest;

/// <summary>
/// One job, start to finish, with memory bounded by the batches in flight, not by the input: rows are claimed in Redis
/// a chunk at a time (which also finds duplicates inside the job) and batches leave as soon as they close.
/// A dry run walks the same path and publishes, holds and claims nothing.
/// </summary>
public sealed class JobRun(Guid jobId, JobRequest request, IPublishEndpoint endpoint, JobRunDependencies use, CancellationToken cancellationToken)
{
    private static readonly IReadOnlyDictionary<string, System.Text.Json.JsonElement> NoFields = new Dictionary<string, System.Text.Json.JsonElement>();
    private readonly Guid _runId = Guid.NewGuid();
    private readonly JobRunTally _tally = new(request, use.Ingest);
    private readonly List<DeliverBatch> _dryRunStaged = [];

    // Redis's claims find duplicates inside the job; only a dry run (which claims nothing) or a Submitter without the
    // dedupe window keeps the job's row ids in memory.
    private readonly JobRowSet? _seen = request.DryRun || !use.RecentRows.Enabled ? new JobRowSet() : null;
    private readonly LeadNormaliser _normaliser = new(use.Batching.MaxRecordBytes);
    private readonly BatchBuilder _builder = new(jobId, request.Priority, use.Batching, use.Clock, request.Origin, request.FileName);
    private readonly PublishRun _publishing = use.Publisher.Start(endpoint, cancellationToken);
    private IReadOnlyDictionary<string, TableReroute> _reroutes = new Dictionary<string, TableReroute>();
    private AdmissionBook _book = null!;
    private bool _ledgerUnanswered;
    private JobRunClaims? _claims;

    private JobRunClaims Claims => _claims ??= new(jobId, _runId, request.DryRun, use.RecentRows, use.Ingest.DedupeChunkRows, SettleAsync);

    public async Task<JobReport> ExecuteAsync(IAsyncEnumerable<InputRow> rows)
    {
        try
        {
            return await RunAsync(rows);
        }
        catch (Exception) when (!request.DryRun)
        {
            // Batches still awaiting their confirm settle first: a row is freed only once it can no longer go out.
            await _publishing.SettleAsync();
            try
            {
                await use.RecentRows.MarkRunFailedAsync(jobId, _runId);
            }
            catch (StackExchange.Redis.RedisException)
            {
                // Redis is what failed: the claims expire after Dedupe:PendingClaimSeconds.
            }

            throw;
        }
    }

    private async Task<JobReport> RunAsync(IAsyncEnumerable<InputRow> rows)
    {
        InputException? aborted = null;
        await using var reader = rows.GetAsyncEnumerator(cancellationToken);
        var more = false;
        try
        {
            // Read the first row before asking for the budget: an empty file or a bad header fails at once.
            more = await reader.MoveNextAsync();
        }
        catch (InputException exception)
        {
            aborted = exception;
        }

        var (remaining, budgetSource) = aborted is null ? await use.Budget.RemainingAsync(cancellationToken) : (0m, "not asked");
        _book = new AdmissionBook(use.Admission.Policy, remaining, use.Admission.MaxBufferedBatches);
        _ledgerUnanswered = budgetSource == BudgetGate.NoAnswer;
        _reroutes = await use.Reroutes.CurrentAsync();
        try
        {
            while (more)
            {
                await TakeAsync(reader.Current);
                more = await reader.MoveNextAsync();
            }
        }
        catch (InputException exception)
        {
            // What was read before the break still goes out: the caller resubmits the fixed file and dedupe skips it.
            aborted = exception;
        }

        if (aborted is not null)
        {
            use.Logger.LogWarning("Job {JobId} input broke off after {Rows} rows: {Field} {Problem}", jobId, _tally.Read, aborted.Field, aborted.Message);
        }

        await Claims.FlushAsync();
        await Claims.SettleAsync();
        foreach (var batch in _builder.Flush())
        {
            await ApplyAsync(_book.Offer(batch));
        }

        await ApplyAsync(_book.Finish());
        await _publishing.CompleteAsync();
        var report = _tally.Report(jobId, _book.Decision, use.Admission.Policy, (remaining, budgetSource), _publishing.Published, aborted);
        await AnnounceAsync(report);
        return report;
    }

    private async Task TakeAsync(InputRow row)
    {
        _tally.Read++;
        var (lead, problem) = _normaliser.Normalise(row);
        if (lead is null)
        {
            _tally.Invalid++;
            _tally.Reject(problem!);
            return;
        }

        var table = request.Table ?? use.Router.Route(name => lead.RoutingFields.GetValueOrDefault(name));
        if (TableRules.Check(lead, table, use.Router.Tables[table]) is { } refused)
        {
            _tally.Table(table).Rejected++;
            _tally.Reject(refused);
            return;
        }

        var rowId = RowIdentity.RowId(table, lead);
        if (_seen is not null && !_seen.Add(rowId))
        {
            _tally.Table(table).Deduplicated++;
            _tally.Trace(lead.RowNumber, table, table, rowId, 0, "duplicate in this job");
            return;
        }

        await Claims.AddAsync(new RowToClaim(table, rowId, lead));
    }

    /// <summary>One row's claim settled: a duplicate is counted, a claimed row goes to its table's batch.</summary>
    private async Task SettleAsync(RowToClaim row, RowClaim claim)
    {
        var (table, rowId, lead) = row;
        if (claim != RowClaim.Claimed)
        {
            _tally.Table(table).Deduplicated++;
            _tally.Trace(lead.RowNumber, table, table, rowId, 0, claim == RowClaim.DuplicateInJob ? "duplicate in this job" : "duplicate of a recent job");
            return;
        }

        var destination = _reroutes.TryGetValue(table, out var reroute) ? reroute.Destination(rowId) : table;
        var credits = use.Router.Tables[destination].CreditsPerRow;
        var tally = _tally.Table(destination);
        tally.Accepted++;
        tally.Credits += credits;
        _tally.Trace(lead.RowNumber, table, destination, rowId, credits, "accepted");
        if (_builder.Add(destination, credits, rowId, lead) is { } closed)
        {
            await ApplyAsync(_book.Offer(closed));
        }
    }

    private async Task ApplyAsync(AdmissionStep step)
    {
        await ApplyStagedAsync(step.Staged);
        await StageAsync(step.Stage);
        foreach (var batch in step.Publish)
        {
            _tally.Table(batch.TableKey).Batches++;
            _tally.BatchesPublished++;
            if (!request.DryRun)
            {
                await _publishing.PublishAsync(batch);
            }
        }

        if (step.Hold.Count > 0)
        {
            foreach (var batch in step.Hold)
            {
                var tally = _tally.Table(batch.TableKey);
                tally.Batches++;
                tally.Held += batch.Rows.Count;
                _tally.BatchesHeld++;
            }

            if (!request.DryRun)
            {
                await use.Held.HoldAsync(step.Hold, _ledgerUnanswered);
                await use.RecentRows.CommitAsync(step.Hold.SelectMany(batch => batch.Rows).Select(row => row.RowId));
            }
        }

        if (step.Drop.Count > 0)
        {
            foreach (var batch in step.Drop)
            {
                var tally = _tally.Table(batch.TableKey);
                tally.Accepted -= batch.Rows.Count;
                tally.Credits -= batch.EstimatedCredits;
                _tally.CreditsRefused += batch.EstimatedCredits;
            }

            if (!request.DryRun)
            {
                await use.RecentRows.ReleaseAsync(step.Drop.SelectMany(batch => batch.Rows).Select(row => row.RowId).ToList(), RecentRows.Claimant(jobId, _runId));
            }
        }
    }

    private async Task StageAsync(IReadOnlyList<DeliverBatch> batches)
    {
        if (batches.Count == 0)
        {
            return;
        }

        if (request.DryRun)
        {
            // A dry run writes nothing: it keeps the staged batches' shape (ids, counts, credits) without their fields.
            _dryRunStaged.AddRange(batches.Select(batch => batch with { Rows = [.. batch.Rows.Select(row => row with { Fields = NoFields })] }));
            return;
        }

        await use.Staged.StageAsync(jobId, batches);
    }

    private async Task ApplyStagedAsync(StagedFate fate)
    {
        if (fate == StagedFate.Wait)
        {
            return;
        }

        async Task Apply(IReadOnlyList<DeliverBatch> batches) => await ApplyAsync(fate switch
        {
            StagedFate.Publish => new AdmissionStep(batches, [], []),
            StagedFate.Hold => new AdmissionStep([], batches, []),
            _ => new AdmissionStep([], [], batches),
        });

        if (request.DryRun)
        {
            var staged = _dryRunStaged.ToList();
            _dryRunStaged.Clear();
            await Apply(staged);
            return;
        }

        await use.Staged.DrainAsync(jobId, Apply);
    }

    private async Task AnnounceAsync(JobReport report)
    {
        if (request.DryRun)
        {
            return;
        }

        use.Metrics.RowsSubmitted.Add(report.RowsAccepted);
        use.Metrics.RowsRejected.Add(report.RowsInvalid + report.RowsRejected);
        use.Metrics.RowsDeduplicated.Add(report.RowsDeduplicated);
        if (report.RowsAccepted > 0)
        {
            await endpoint.Publish(report.ToJobSubmitted(request.Priority, use.Clock.GetUtcNow(), request.SubmittedBy ?? request.Source), cancellationToken);
        }

        if (use.Logger.IsEnabled(LogLevel.Information))
        {
            use.Logger.LogInformation(
            "Job {JobId} submitted: {Rows} rows read, {Accepted} accepted, {Held} held, {Invalid} invalid, {Duplicates} duplicates, admission {Admission}",
            jobId, report.RowsRead, report.RowsAccepted, report.RowsHeld, report.RowsInvalid, report.RowsDeduplicated, report.Admission);
        }
    }
}
