namespace ClayBus.ServiceDefaults.Security;

/// <summary>
/// What an API key may do. Each role is also the name of the authorization policy that requires it, so an endpoint
/// says <c>.RequireAuthorization(ApiRoles.Read)</c>. Roles do not imply one another: an operator key that should also
/// read the status API lists both.
/// </summary>
public static class ApiRoles
{
    /// <summary>Submit jobs (Submitter <c>POST /jobs</c>, <c>POST /jobs/csv</c>).</summary>
    public const string Submit = "submit";

    /// <summary>Read status, lineage, plans, the audit log and the OpenAPI document.</summary>
    public const string Read = "read";

    /// <summary>Operator actions: cancel a job, requeue dead letters, change the budget.</summary>
    public const string Operate = "operate";

    public static readonly IReadOnlyList<string> All = [Submit, Read, Operate];
}
