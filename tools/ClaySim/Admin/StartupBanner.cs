using ClayBus.ClaySim.Workspace;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace ClayBus.ClaySim.Admin;

/// <summary>
/// Prints the default workspace's webhook URLs once the server listens: the console output of
/// <c>dotnet run --project tools/ClaySim</c> for the person who started it, not a log record. The URLs are the
/// simulator's own, made at start; tokens are shown masked (<c>GET /_sim/workspace</c> has them in full).
/// </summary>
internal static class StartupBanner
{
    public static WebApplication PrintWebhookUrlsAtStart(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<ClaySimOptions>>().Value;
        if (!options.PrintWebhookUrls)
        {
            return app;
        }

        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? "http://localhost:5100";
            var baseUrl = string.IsNullOrWhiteSpace(options.PublicBaseUrl)
                ? address.Replace("://[::]", "://localhost", StringComparison.Ordinal).Replace("://+", "://localhost", StringComparison.Ordinal).Replace("://0.0.0.0", "://localhost", StringComparison.Ordinal)
                : options.PublicBaseUrl.TrimEnd('/');
            var workspace = app.Services.GetRequiredService<ClayWorkspace>();
            var output = Console.Out;
            output.WriteLine($"ClaySim: the Clay simulator on {baseUrl} (admin API under {baseUrl}/_sim/, full tokens at {baseUrl}/_sim/workspace)");
            foreach (var table in workspace.Tables)
            {
                output.WriteLine($"  table {table.Key}{(table.AutoDelete ? " (auto-delete)" : "")} → callbacks to {table.CallbackUrl}");
                foreach (var hook in table.Webhooks())
                {
                    var token = hook.Token is { } t ? "token …" + t[^6..] : "no token";
                    output.WriteLine($"    {baseUrl}/v3/sources/webhook/{hook.Id}  ({token})");
                }
            }
        });
        return app;
    }
}
