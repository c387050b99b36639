using ClayBus.ServiceDefaults.Security;

namespace ClayBus.Submitter.Planning;

/// <summary><c>GET /plan?monthlyLeads=50000&amp;creditsPerLead=6&amp;ownKeys=false</c>: the capacity plan as JSON.</summary>
public static class PlanningEndpoints
{
    public static IEndpointRouteBuilder MapPlanning(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/plan", (long? monthlyLeads, decimal? creditsPerLead, bool? ownKeys, int? actionsPerLead) =>
        {
            if (monthlyLeads is not > 0)
            {
                return Results.Problem(detail: "monthlyLeads: is required and must be a positive number, e.g. /plan?monthlyLeads=50000", statusCode: 422, title: "The plan needs a monthly volume", extensions: new Dictionary<string, object?> { ["field"] = "monthlyLeads" });
            }

            if (creditsPerLead is < 0 || actionsPerLead is < 1)
            {
                return Results.Problem(detail: "creditsPerLead must be ≥ 0 and actionsPerLead ≥ 1", statusCode: 422, title: "The plan's inputs are out of range", extensions: new Dictionary<string, object?> { ["field"] = creditsPerLead is < 0 ? "creditsPerLead" : "actionsPerLead" });
            }

            return Results.Json(CapacityPlan.For(monthlyLeads.Value, creditsPerLead ?? 6, ownKeys ?? false, actionsPerLead ?? 2));
        }).RequireAuthorization(ApiRoles.Read);
        return endpoints;
    }
}
