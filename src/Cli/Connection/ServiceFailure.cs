using System.Net;
using System.Text.Json;

namespace ClayBus.Cli.Connection;

/// <summary>The service could not be reached or did not answer in time. The message names the address and how to start it.</summary>
public sealed class ServiceUnreachableException(string message) : Exception(message);

/// <summary>The service answered with an error; its ProblemDetails (title, detail, field errors) when it sent them.</summary>
public sealed class ServiceProblemException(ServiceAddress address, HttpStatusCode status, string title, string? detail, IReadOnlyDictionary<string, string[]> errors)
    : Exception($"{address.Service} answered {(int)status} {title}{(detail is null ? "" : ": " + detail)}")
{
    public ServiceAddress Address { get; } = address;

    public HttpStatusCode Status { get; } = status;

    public string Title { get; } = title;

    public string? Detail { get; } = detail;

    public IReadOnlyDictionary<string, string[]> Errors { get; } = errors;

    public static ServiceProblemException From(ServiceAddress address, HttpStatusCode status, string body)
    {
        var title = status.ToString();
        string? detail = null;
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object)
            {
                title = Text(root, "title") ?? title;
                detail = Text(root, "detail");
                if (root.TryGetProperty("errors", out var fields) && fields.ValueKind == JsonValueKind.Object)
                {
                    foreach (var field in fields.EnumerateObject())
                    {
                        errors[field.Name] = field.Value.ValueKind == JsonValueKind.Array ? field.Value.EnumerateArray().Select(item => item.ToString()).ToArray() : [field.Value.ToString()];
                    }
                }
            }
        }
        catch (JsonException)
        {
            // Not ProblemDetails (a proxy's HTML page, plain text): its first line is the best detail there is.
            detail = body.Split('\n', 2)[0].Trim() is { Length: > 0 } line ? line[..Math.Min(line.Length, 200)] : null;
        }

        return new ServiceProblemException(address, status, title, detail, errors);
    }

    private static string? Text(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
