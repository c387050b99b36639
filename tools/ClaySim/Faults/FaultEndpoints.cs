namespace ClayBus.ClaySim.Faults;

/// <summary><c>PUT/GET/DELETE /_sim/faults</c>: fault injection at run time, each set optionally time-boxed.</summary>
internal static class FaultEndpoints
{
    public static IEndpointRouteBuilder MapFaults(this IEndpointRouteBuilder app)
    {
        app.MapPut("/_sim/faults", (FaultSettings settings, FaultBoard faults) =>
        {
            if (settings.Problem() is { } problem)
            {
                return Results.Json(new { error = "invalid_faults", detail = problem }, statusCode: 400);
            }

            faults.Add(settings);
            return Results.Ok(faults.Current);
        });
        app.MapGet("/_sim/faults", (FaultBoard faults) => Results.Ok(faults.Current));
        app.MapDelete("/_sim/faults", (FaultBoard faults) =>
        {
            faults.Clear();
            return Results.NoContent();
        });
        return app;
    }
}
