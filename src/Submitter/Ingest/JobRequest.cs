using ClayBus.Contracts.Submission;
using ClayBus.Submitter.Dedupe;
using ClayBus.Submitter.Routing;

namespace ClayBus.Submitter.Ingest;

/// <summary>A job's options once checked: the table (null = route by rules), priority, idempotency key, dry run, who sent it.</summary>
public sealed record JobRequest(string? Table, JobPriority Priority, string? IdempotencyKey, bool DryRun, string? Source)
{
    /// <summary>The API key's name for jobs over HTTP; messages from the broker have none (the broker's credentials are their gate).</summary>
    public string? SubmittedBy { get; init; }

    /// <summary>SHA-256 of the body as sent (JSON, or a CSV spooled under a key), stored with the idempotency key.</summary>
    public string? BodyHash { get; init; }

    /// <summary>The uploaded CSV's file name (<c>?fileName=</c> or <c>Content-Disposition</c>), for the row's lineage.</summary>
    public string? FileName { get; init; }

    /// <summary>Where the job came from, for lineage: the API key's name, with the source the caller named if any.</summary>
    public string? Origin => (SubmittedBy, Source) switch
    {
        (null, var source) => source,
        (var name, null or "http" or "csv") => name,
        (var name, var source) => $"{name} ({source})",
    };

    /// <summary>Keys are scoped per API key over HTTP, per source for messages from the broker.</summary>
    public IdempotencyClaim? Claim => DryRun || IdempotencyKey is not { } key ? null
        : SubmittedBy is { } name ? IdempotencyClaim.ForApiKey(name, key, BodyHash)
        : IdempotencyClaim.ForSource(Source ?? "amqp", key, BodyHash);

    /// <summary>Checks the caller's options; problems name the option and the fix.</summary>
    public static (JobRequest? Request, IReadOnlyList<InputProblem> Problems) From(
        string? table, string? priority, string? idempotencyKey, bool dryRun, string? source, TableRouter router)
    {
        var problems = new List<InputProblem>();
        string? tableKey = null;
        if (!string.IsNullOrWhiteSpace(table) && !string.Equals(table.Trim(), "auto", StringComparison.OrdinalIgnoreCase))
        {
            tableKey = router.Find(table);
            if (tableKey is null)
            {
                problems.Add(new InputProblem("table", $"'{table}' is not a table: use 'auto' or one of {string.Join(", ", router.Tables.Keys.Order(StringComparer.Ordinal))}"));
            }
        }

        JobPriority parsed = JobPriority.Normal;
        if (!string.IsNullOrWhiteSpace(priority) && !TryParsePriority(priority, out parsed))
        {
            problems.Add(new InputProblem("priority", $"'{priority}' is not a priority: use high, normal or low"));
        }

        if (idempotencyKey is { Length: > 200 })
        {
            problems.Add(new InputProblem("idempotencyKey", "is longer than 200 characters: use a short unique key such as the upstream batch id"));
        }

        return problems.Count > 0
            ? (null, problems)
            : (new JobRequest(tableKey, parsed, string.IsNullOrWhiteSpace(idempotencyKey) ? null : idempotencyKey.Trim(), dryRun, source), problems);
    }

    public static bool TryParsePriority(string text, out JobPriority priority)
    {
        priority = text.Trim().ToLowerInvariant() switch
        {
            "high" => JobPriority.High,
            "normal" => JobPriority.Normal,
            "low" => JobPriority.Low,
            _ => 0,
        };
        return priority != 0;
    }
}

/// <summary>What is wrong with a request as a whole: the field (or option) and how to fix it.</summary>
public sealed record InputProblem(string Field, string Detail);

/// <summary>The input cannot be read on (broken file, field too large): the job stops; <see cref="Status"/> is the HTTP answer.</summary>
public sealed class InputException(int status, string field, string detail) : Exception(detail)
{
    public int Status { get; } = status;

    public string Field { get; } = field;
}

/// <summary>The idempotency key was already used (by this caller) for a different request.</summary>
public sealed class IdempotencyConflictException(string key)
    : Exception($"idempotency key '{key}' was already used for a different request: use a new key for new rows, or resend the original request unchanged to get its report")
{
    public string Key { get; } = key;
}

/// <summary>Another submission with the same idempotency key is still running.</summary>
public sealed class JobRunningException(Guid jobId) : Exception($"a job with this idempotency key is still running ({jobId})")
{
    public Guid JobId { get; } = jobId;
}
