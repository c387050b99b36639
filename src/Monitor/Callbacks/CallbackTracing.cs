using System.Diagnostics;

namespace ClayBus.Monitor.Callbacks;

/// <summary>
/// The span of one Clay callback, in the trace of the delivery that sent the row (<c>claybus_trace</c>), so the
/// row's outcome and the saga's handling of it sit in the same trace as its upload; linked to the HTTP request's own
/// span, which began a trace of its own because Clay sends no traceparent header.
/// </summary>
public static class CallbackTracing
{
    public const string SourceName = "ClayBus.Monitor";

    private static readonly ActivitySource Source = new(SourceName);

    public static Activity? Start(ClayCallback callback, string table)
    {
        if (callback.Trace is not { } delivery)
        {
            return null;
        }

        var request = Activity.Current;
        var activity = Source.StartActivity(
            "clay callback",
            ActivityKind.Consumer,
            delivery,
            links: request is null ? null : [new ActivityLink(request.Context)]);
        activity?.SetTag("claybus.table", table);
        activity?.SetTag("claybus.job_id", callback.JobId.ToString());
        activity?.SetTag("claybus.row_id", callback.RowId);
        return activity;
    }
}
