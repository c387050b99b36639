using Microsoft.AspNetCore.Http;

namespace ClayBus.ServiceDefaults.Security;

/// <summary>RFC 9457 problem bodies for answers given before an endpoint runs (401, 403, 429).</summary>
internal static class ApiProblems
{
    public static Task WriteAsync(HttpContext context, int status, string title, string detail, IDictionary<string, object?>? extensions = null) =>
        Results.Problem(detail: detail, statusCode: status, title: title, extensions: extensions).ExecuteAsync(context);
}
