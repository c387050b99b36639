using ClayBus.ServiceDefaults.Security;
using ClayBus.Testing.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;

namespace ClayBus.ServiceDefaults.Tests.Security;

/// <summary>
/// A web host secured as the services are (<c>AddApiKeys</c>, <c>UseApiKeys</c>) on Kestrel at a free loopback port,
/// with one endpoint per role, one that names no role, one without a key, and one that reads its body.
/// </summary>
internal sealed class SecuredWebHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private SecuredWebHost(WebApplication app, ReloadableSettings settings, HttpClient client)
    {
        _app = app;
        Settings = settings;
        Client = client;
    }

    public ReloadableSettings Settings { get; }

    public HttpClient Client { get; }

    public static async Task<SecuredWebHost> StartAsync(IReadOnlyDictionary<string, string?> settings)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var reloadable = new ReloadableSettings(settings);
        ((IConfigurationBuilder)builder.Configuration).Add(reloadable);
        builder.AddApiKeys();
        var app = builder.Build();
        app.UseApiKeys();
        app.MapGet("/submit", () => "submitted").RequireAuthorization(ApiRoles.Submit);
        app.MapGet("/read", (HttpContext http) => "read by " + http.User.Identity!.Name).RequireAuthorization(ApiRoles.Read);
        app.MapGet("/operate", () => "operated").RequireAuthorization(ApiRoles.Operate);
        app.MapGet("/no-role", () => "any key");
        app.WithoutApiKey().MapGet("/open", () => "open");
        app.MapPost("/echo", async (HttpContext http) =>
        {
            using var reader = new StreamReader(http.Request.Body);
            return (await reader.ReadToEndAsync()).Length;
        }).RequireAuthorization(ApiRoles.Read);
        await app.StartAsync();
        return new SecuredWebHost(app, reloadable, new HttpClient { BaseAddress = new Uri(app.Urls.Single()) });
    }

    public static Dictionary<string, string?> Key(string name, string key, int permitsPerMinute, params string[] roles)
    {
        var settings = new Dictionary<string, string?>
        {
            [$"Security:ApiKeys:{name}:Hash"] = ApiKeyRing.HashOf(key),
            [$"Security:ApiKeys:{name}:PermitsPerMinute"] = permitsPerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        for (var index = 0; index < roles.Length; index++)
        {
            settings[$"Security:ApiKeys:{name}:Roles:{index}"] = roles[index];
        }

        return settings;
    }

    public async Task<HttpResponseMessage> GetAsync(string path, string? key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        if (key is not null)
        {
            request.Headers.Add(ApiKeyAuthenticationHandler.Header, key);
        }

        return await Client.SendAsync(request);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.DisposeAsync();
    }
}
