using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ClayBus.ServiceDefaults.Security;

/// <summary>
/// Authenticates header <c>X-Api-Key</c> against <see cref="ApiKeyRing"/>: the principal's name is the key's name
/// and its roles are the key's roles. 401 and 403 answer with a problem body that says what to send.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiKeyRing keys)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";

    public const string Header = "X-Api-Key";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue(Header, out var values) || values.Count == 0 || string.IsNullOrEmpty(values[0]))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        if (values.Count > 1 || keys.Find(values[0]!) is not { } key)
        {
            return Task.FromResult(AuthenticateResult.Fail("unknown API key"));
        }

        var claims = new List<Claim> { new(ClaimTypes.Name, key.Name) };
        claims.AddRange(key.Roles.Select(role => new Claim(ClaimTypes.Role, role)));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName)));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var presented = Request.Headers.ContainsKey(Header);
        Response.Headers.WWWAuthenticate = $"{SchemeName} header=\"{Header}\"";
        await ApiProblems.WriteAsync(
            Context,
            StatusCodes.Status401Unauthorized,
            presented ? "Unknown API key" : "API key required",
            presented
                ? $"the key in header {Header} is not one this service knows (revoked, mistyped, or meant for another environment): ask the ClayBus operators for a key"
                : $"send your ClayBus API key in header {Header} (e.g. curl -H '{Header}: <key>'); ask the ClayBus operators for a key if you have none");
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        var needed = Context.GetEndpoint()?.Metadata.GetOrderedMetadata<IAuthorizeData>()
            .Select(data => data.Policy)
            .OfType<string>()
            .Where(ApiRoles.All.Contains)
            .Distinct()
            .ToList() ?? [];
        var name = Context.User.Identity?.Name ?? "this key";
        var roles = string.Join(", ", Context.User.FindAll(ClaimTypes.Role).Select(claim => claim.Value));
        await ApiProblems.WriteAsync(
            Context,
            StatusCodes.Status403Forbidden,
            "Role missing",
            $"key '{name}' has the roles [{roles}] but {Request.Method} {Request.Path} needs the role '{string.Join("' and '", needed)}': ask the ClayBus operators to add it to the key (Security:ApiKeys:{name}:Roles) or use a key that has it",
            new Dictionary<string, object?> { ["requiredRoles"] = needed });
    }
}
