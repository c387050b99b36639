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
    private readonly Dictionary<string, TableTally> _tables = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<RejectedRow> _rejected = [];
    private readonly List<RowRoute> _routes = [];
    private List<(string Table, string RowId, Lead Lead)> _chunk = [];
    private (List<(string Table, string RowId, Lead Lead)> Rows, Task<RowClaim[]> Claims)? _claiming;
    private static readonly IReadOnlyDictionary<string, System.Text.Json.JsonElement> NoFields = new Dictionary<string, System.Text.Json.JsonElement>();
    private readonly Guid _runId = Guid.NewGuid();
    private readonly List<DeliverBatch> _dryRunStaged = [];

    // Redis's claims find duplicates inside the job; only a dry run (which claims nothing) or a Submitter without the
    // dedupe window keeps the job's row ids in memory.
    private readonly JobRowSet? _seen = request.DryRun || !use.RecentRows.Enabled ? new JobRowSet() : null;
    private readonly LeadNormaliser _normaliser = new(use.Batching.MaxRecordBytes);
    private readonly BatchBuilder _builder = new(jobId, request.Priority, use.Batching, use.Clock);
    private readonly PublishRun _publishing = use.Publisher.Start(endpoint, jobId, cancellationToken);
    private IReadOnlyDictionary<string, TableReroute> _reroutes = new Dictionary<string, TableReroute>();
    private AdmissionBook _book = null!;
    private bool _ledgerUnanswered;
    private int _read;
    private int _invalid;
    private int _batchesPublished;
    private int _batchesHeld;
    private decimal _creditsRefused;

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
            use.Logger.LogWarning("Job {JobId} input broke off after {Rows} rows: {Field} {Problem}", jobId, _read, aborted.Field, aborted.Message);
        }

        await FlushChunkAsync();
        await SettleClaimAsync();
        foreach (var batch in _builder.Flush())
        {
            await ApplyAsync(_book.Offer(batch));
        }

        await ApplyAsync(_book.Finish());
        await _publishing.CompleteAsync();
        var report = Report(remaining, budgetSource, aborted);
        await AnnounceAsync(report);
        return report;
    }

    private async Task TakeAsync(InputRow row)
    {
        _read++;
        var (lead, problem) = _normaliser.Normalise(row);
        if (lead is null)
        {
            _invalid++;
            Reject(problem!);
            return;
        }

        var table = request.Table ?? use.Router.Route(name => lead.RoutingFields.GetValueOrDefault(name));
        if (TableRules.Check(lead, table, use.Router.Tables[table]) is { } refused)
        {
            Tally(table).Rejected++;
            Reject(refused);
            return;
        }

        var rowId = RowIdentity.RowId(table, lead);
        if (_seen is not null && !_seen.Add(rowId))
        {
            Tally(table).Deduplicated++;
            Trace(lead.RowNumber, table, table, rowId, 0, "duplicate in this job");
            return;
        }

        _chunk.Add((table, rowId, lead));
        if (_chunk.Count >= use.Ingest.DedupeChunkRows)
        {
            await FlushChunkAsync();
        }
    }

    /// <summary>
    /// Sends the chunk's claim to Redis and settles the previous chunk while it runs: reading the next rows overlaps
    /// the round trip. Chunks settle in order, so batches keep the file's order.
    /// </summary>
    private async Task FlushChunkAsync()
    {
        if (_chunk.Count == 0)
        {
            return;
        }

        var rows = _chunk;
        _chunk = new List<(string Table, string RowId, Lead Lead)>(rows.Count);
        var ids = rows.Select(entry => entry.RowId).ToList();
        var claims = request.DryRun ? SeenAsync(ids) : use.RecentRows.ClaimAsync(ids, jobId, _runId);
        try
        {
            await SettleClaimAsync();
        }
        catch
        {
            // The job fails on the first error; the later claim is still observed so it cannot fault unseen.
            _ = claims.ContinueWith(claim => claim.Exception, TaskScheduler.Default);
            throw;
        }

        _claiming = (rows, claims);
    }

    private async Task<RowClaim[]> SeenAsync(IReadOnlyList<string> ids) =>
        (await use.RecentRows.SeenAsync(ids)).Select(seen => seen ? RowClaim.Taken : RowClaim.Claimed).ToArray();

    private async Task SettleClaimAsync()
    {
        if (_claiming is not { } claiming)
        {
            return;
        }

        _claiming = null;
        var claims = await claiming.Claims;
        for (var index = 0; index < claiming.Rows.Count; index++)
        {
            var (table, rowId, lead) = claiming.Rows[index];
            if (claims[index] != RowClaim.Claimed)
            {
                Tally(table).Deduplicated++;
                Trace(lead.RowNumber, table, table, rowId, 0, claims[index] == RowClaim.DuplicateInJob ? "duplicate in this job" : "duplicate of a recent job");
                continue;
            }

            var destination = _reroutes.TryGetValue(table, out var reroute) ? reroute.Destination(rowId) : table;
            var credits = use.Router.Tables[destination].CreditsPerRow;
            var tally = Tally(destination);
            tally.Accepted++;
            tally.Credits += credits;
            Trace(lead.RowNumber, table, destination, rowId, credits, "accepted");
            if (_builder.Add(destination, credits, rowId, lead) is { } closed)
            {
                await ApplyAsync(_book.Offer(closed));
            }
        }
    }

    private async Task ApplyAsync(AdmissionStep step)
    {
        await ApplyStagedAsync(step.Staged);
        await StageAsync(step.Stage);
        foreach (var batch in step.Publish)
        {
            Tally(batch.TableKey).Batches++;
            _batchesPublished++;
            if (!request.DryRun)
            {
                await _publishing.PublishAsync(batch);
            }
        }

        if (step.Hold.Count > 0)
        {
            foreach (var batch in step.Hold)
            {
                var tally = Tally(batch.TableKey);
                tally.Batches++;
                tally.Held += batch.Rows.Count;
                _batchesHeld++;
            }

            if (!request.DryRun)
            {
                await use.Held.HoldAsync(step.Hold, _ledgerUnanswered);
                await use.RecentRows.CommitAsync(step.Hold.SelectMany(batch => batch.Rows).Select(row => row.RowId), jobId);
            }
        }

        if (step.Drop.Count > 0)
        {
            foreach (var batch in step.Drop)
            {
                var tally = Tally(batch.TableKey);
                tally.Accepted -= batch.Rows.Count;
                tally.Credits -= batch.EstimatedCredits;
                _creditsRefused += batch.EstimatedCredits;
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

    private JobReport Report(decimal remaining, string budgetSource, InputException? aborted)
    {
        var tables = _tables.OrderBy(pair => pair.Key, StringComparer.Ordinal)
            .Select(pair => new TableReport(pair.Key, pair.Value.Accepted, pair.Value.Rejected, pair.Value.Deduplicated, pair.Value.Held, pair.Value.Batches, pair.Value.Credits))
            .ToList();
        return new JobReport
        {
            JobId = jobId,
            DryRun = request.DryRun,
            IdempotencyKey = request.IdempotencyKey,
            Priority = request.Priority.ToString().ToLowerInvariant(),
            Admission = _book.Decision.ToString().ToLowerInvariant(),
            AdmissionPolicy = use.Admission.Policy.ToString().ToLowerInvariant(),
            BudgetRemaining = remaining,
            BudgetSource = budgetSource,
            RowsRead = _read,
            RowsInvalid = _invalid,
            RowsAccepted = tables.Sum(table => table.RowsAccepted),
            RowsRejected = tables.Sum(table => table.RowsRejected),
            RowsDeduplicated = tables.Sum(table => table.RowsDeduplicated),
            RowsHeld = tables.Sum(table => table.RowsHeld),
            BatchesPublished = request.DryRun ? _batchesPublished : _publishing.Published,
            BatchesHeld = _batchesHeld,
            EstimatedCredits = tables.Sum(table => table.EstimatedCredits),
            CreditsRefused = _creditsRefused,
            Tables = tables,
            Rejected = _rejected,
            Routes = request.DryRun ? _routes : null,
            Aborted = aborted is null ? null : new InputProblem(aborted.Field, aborted.Message),
            AbortedStatus = aborted?.Status,
        };
    }

    private void Reject(RowProblem problem)
    {
        if (_rejected.Count < use.Ingest.MaxRejectionsReported)
        {
            _rejected.Add(new RejectedRow(problem.RowNumber, problem.Field, problem.Reason));
        }
    }

    private void Trace(int row, string table, string destination, string rowId, decimal credits, string outcome)
    {
        if (request.DryRun && _routes.Count < use.Ingest.MaxDryRunRows)
        {
            _routes.Add(new RowRoute(row, table, destination, rowId, credits, outcome));
        }
    }

    private TableTally Tally(string table)
    {
        if (!_tables.TryGetValue(table, out var tally))
        {
            tally = _tables[table] = new TableTally();
        }

        return tally;
    }

    private sealed class TableTally
    {
        public int Accepted { get; set; }

        public int Rejected { get; set; }

        public int Deduplicated { get; set; }

        public int Held { get; set; }

        public int Batches { get; set; }

        public decimal Credits { get; set; }
    }
}
