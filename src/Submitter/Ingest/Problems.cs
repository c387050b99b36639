namespace ClayBus.Submitter.Ingest;

/// <summary>RFC 9457 problem bodies that name the field at fault and how to fix it.</summary>
internal static class Problems
{
    public static IResult Of(int status, string field, string detail, IDictionary<string, object?>? extra = null) =>
        Of(status, [new InputProblem(field, detail)], extra);

    public static IResult Of(int status, IReadOnlyList<InputProblem> problems, IDictionary<string, object?>? extra = null)
    {
        var extensions = new Dictionary<string, object?>(extra ?? new Dictionary<string, object?>())
        {
            ["field"] = problems[0].Field,
            ["errors"] = problems.Select(problem => new { field = problem.Field, detail = problem.Detail }).ToList(),
        };
        return Results.Problem(
            detail: string.Join(" ", problems.Select(problem => $"{problem.Field}: {problem.Detail}")),
            statusCode: status,
            title: Title(status),
            extensions: extensions);
    }

    private static string Title(int status) => status switch
    {
        400 => "The request body is not valid JSON for a job",
        408 => "The body arrived too slowly",
        409 => "The same job is already running",
        413 => "Too large",
        415 => "Unsupported content type",
        422 => "The job cannot be accepted as sent",
        503 => "The job could not be confirmed",
        _ => "The job was not accepted",
    };
}
