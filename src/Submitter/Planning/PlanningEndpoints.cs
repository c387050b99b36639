using ClayBus.ServiceDefaults.Security;
using ClayBus.Submitter.Routing;

namespace ClayBus.Submitter.Planning;

/// <summary>
/// <c>GET /plan?monthlyLeads=50000&amp;creditsPerLead=6&amp;ownKeys=false&amp;autoDelete=…&amp;recordsPerSecond=…</c>: the
/// capacity plan as JSON. Unless given, auto-delete is whether every configured table auto-deletes
/// (<c>Tables:&lt;key&gt;:AutoDelete</c>) and the rate is the workspace's <c>RateLimit:RecordsPerSecond</c> (Clay's 10).
/// </summary>
public static class PlanningEndpoints
{
    public static IEndpointRouteBuilder MapPlanning(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/plan", (long? monthlyLeads, decimal? creditsPerLead, bool? ownKeys, int? actionsPerLead, bool? autoDelete, double? recordsPerSecond, TableRouter router, IConfiguration configuration) =>
        {
            if (monthlyLeads is not > 0)
            {
                return Results.Problem(detail: "monthlyLeads: is required and must be a positive number, e.g. /plan?monthlyLeads=50000", statusCode: 422, title: "The plan needs a monthly volume", extensions: new Dictionary<string, object?> { ["field"] = "monthlyLeads" });
            }

            if (creditsPerLead is < 0 || actionsPerLead is < 1 || recordsPerSecond is <= 0)
            {
                var field = creditsPerLead is < 0 ? "creditsPerLead" : actionsPerLead is < 1 ? "actionsPerLead" : "recordsPerSecond";
                return Results.Problem(detail: "creditsPerLead must be ≥ 0, actionsPerLead ≥ 1 and recordsPerSecond > 0", statusCode: 422, title: "The plan's inputs are out of range", extensions: new Dictionary<string, object?> { ["field"] = field });
            }

            var tablesAutoDelete = router.Tables.Count > 0 && router.Tables.Values.All(table => table.AutoDelete);
            var rate = recordsPerSecond ?? configuration.GetValue<double?>("RateLimit:RecordsPerSecond") ?? CapacityPlan.ClayRecordsPerSecond;
            return Results.Json(CapacityPlan.For(monthlyLeads.Value, creditsPerLead ?? 6, ownKeys ?? false, actionsPerLead ?? 2, autoDelete ?? tablesAutoDelete, rate));
        }).RequireAuthorization(ApiRoles.Read);
        return endpoints;
    }
}
