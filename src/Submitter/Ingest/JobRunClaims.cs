using ClayBus.Submitter.Dedupe;
using ClayBus.Submitter.Validation;

namespace ClayBus.Submitter.Ingest;

/// <summary>
/// A job's rows claimed in Redis a chunk at a time, which also finds duplicates inside the job: each chunk's round
/// trip overlaps the reading of the next rows, and chunks settle in order, so batches keep the file's order. A dry run
/// asks which rows were seen and claims nothing. Each settled row goes to <paramref name="settle"/>.
/// </summary>
public sealed class JobRunClaims(Guid jobId, Guid runId, bool dryRun, RecentRows recentRows, int chunkRows, Func<RowToClaim, RowClaim, Task> settle)
{
    private List<RowToClaim> _chunk = [];
    private (List<RowToClaim> Rows, Task<RowClaim[]> Claims)? _claiming;

    public async Task AddAsync(RowToClaim row)
    {
        _chunk.Add(row);
        if (_chunk.Count >= chunkRows)
        {
            await FlushAsync();
        }
    }

    /// <summary>Sends the chunk's claim to Redis and settles the previous chunk while it runs.</summary>
    public async Task FlushAsync()
    {
        if (_chunk.Count == 0)
        {
            return;
        }

        var rows = _chunk;
        _chunk = new List<RowToClaim>(rows.Count);
        var ids = rows.Select(entry => entry.RowId).ToList();
        var claims = dryRun ? SeenAsync(ids) : recentRows.ClaimAsync(ids, jobId, runId);
        try
        {
            await SettleAsync();
        }
        catch
        {
            // The job fails on the first error; the later claim is still observed so it cannot fault unseen.
            _ = claims.ContinueWith(claim => claim.Exception, TaskScheduler.Default);
            throw;
        }

        _claiming = (rows, claims);
    }

    /// <summary>Waits for the claim in flight, if any, and settles its rows in order.</summary>
    public async Task SettleAsync()
    {
        if (_claiming is not { } claiming)
        {
            return;
        }

        _claiming = null;
        var claims = await claiming.Claims;
        for (var index = 0; index < claiming.Rows.Count; index++)
        {
            await settle(claiming.Rows[index], claims[index]);
        }
    }

    private async Task<RowClaim[]> SeenAsync(IReadOnlyList<string> ids) =>
        (await recentRows.SeenAsync(ids)).Select(seen => seen ? RowClaim.Taken : RowClaim.Claimed).ToArray();
}

/// <summary>A valid row routed to its table, waiting for its claim.</summary>
public sealed record RowToClaim(string Table, string RowId, Lead Lead);
