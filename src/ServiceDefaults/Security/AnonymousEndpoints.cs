using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

namespace ClayBus.ServiceDefaults.Security;

public static class AnonymousEndpoints
{
    /// <summary>
    /// Endpoints mapped on the result need no API key: probes (<c>/health/*</c>), and endpoints with a credential of
    /// their own (Clay's callbacks carry a shared secret). Everything else needs a key by default.
    /// </summary>
    public static IEndpointRouteBuilder WithoutApiKey(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("");
        group.AllowAnonymous();
        return group;
    }
}
