using ClayBus.ServiceDefaults.Configuration;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace ClayBus.ServiceDefaults.Security;

public static class ApiSecuritySetup
{
    /// <summary>
    /// API keys (header <c>X-Api-Key</c>, section <c>Security:ApiKeys</c>), one authorization policy per role in
    /// <see cref="ApiRoles"/>, a per-key rate limit, and Kestrel's request limits (<c>Security:Limits</c>). Every
    /// endpoint needs a key unless it says <c>AllowAnonymous()</c>: an endpoint that names no role still needs a
    /// known key, so one forgotten <c>RequireAuthorization</c> never opens a door.
    /// </summary>
    public static IHostApplicationBuilder AddApiKeys(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<SecurityOptions>(SecurityOptions.Section);
        builder.Services.AddValidatedOptions<HttpLimitsOptions>(HttpLimitsOptions.Section);
        builder.Services.AddSingleton<ApiKeyRing>();
        builder.Services.AddProblemDetails();
        builder.Services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        builder.Services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder(ApiKeyAuthenticationHandler.SchemeName).RequireAuthenticatedUser().Build())
            .AddPolicy(ApiRoles.Submit, policy => policy.RequireAuthenticatedUser().RequireRole(ApiRoles.Submit))
            .AddPolicy(ApiRoles.Read, policy => policy.RequireAuthenticatedUser().RequireRole(ApiRoles.Read))
            .AddPolicy(ApiRoles.Operate, policy => policy.RequireAuthenticatedUser().RequireRole(ApiRoles.Operate));
        builder.Services.AddRateLimiter(ApiKeyRateLimiting.Configure);
        builder.Services.AddOptions<KestrelServerOptions>().Configure<IOptions<HttpLimitsOptions>>((kestrel, limits) =>
        {
            var value = limits.Value;
            kestrel.Limits.MaxRequestBodySize = value.MaxRequestBodyBytes;
            kestrel.Limits.MaxRequestHeadersTotalSize = value.MaxRequestHeadersTotalBytes;
            kestrel.Limits.MaxRequestHeaderCount = value.MaxRequestHeaderCount;
            kestrel.Limits.MaxRequestLineSize = value.MaxRequestLineBytes;
            kestrel.Limits.RequestHeadersTimeout = TimeSpan.FromSeconds(value.RequestHeadersTimeoutSeconds);
            kestrel.AddServerHeader = false;
        });
        return builder;
    }

    /// <summary>Authentication, then authorization, then the per-key rate limit (which needs to know the key).</summary>
    public static WebApplication UseApiKeys(this WebApplication app)
    {
        // The ring takes the keys validated at start now, so a bad change before the first request keeps them.
        _ = app.Services.GetRequiredService<ApiKeyRing>();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        return app;
    }
}
