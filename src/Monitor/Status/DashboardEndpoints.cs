namespace ClayBus.Monitor.Status;

/// <summary>
/// The one-page dashboard: four embedded files (no CDN), polling the status API. The files hold no data, so they are
/// served without a key; the page asks for one and sends it with every call to the status API.
/// </summary>
public static class DashboardEndpoints
{
    private static readonly Dictionary<string, string> ContentTypes = new(StringComparer.Ordinal)
    {
        ["index.html"] = "text/html; charset=utf-8",
        ["dashboard.js"] = "text/javascript; charset=utf-8",
        ["budget.js"] = "text/javascript; charset=utf-8",
        ["dashboard.css"] = "text/css; charset=utf-8",
    };

    public static IEndpointRouteBuilder MapDashboard(this IEndpointRouteBuilder app)
    {
        app.MapGet("/dashboard", () => Serve("index.html")).ExcludeFromDescription();
        app.MapGet("/dashboard/{file}", (string file) => Serve(file)).ExcludeFromDescription();
        return app;
    }

    private static IResult Serve(string file)
    {
        if (!ContentTypes.TryGetValue(file, out var contentType))
        {
            return TypedResults.NotFound();
        }

        var stream = typeof(DashboardEndpoints).Assembly.GetManifestResourceStream("dashboard/" + file);
        return stream is null ? TypedResults.NotFound() : TypedResults.Stream(stream, contentType);
    }
}
