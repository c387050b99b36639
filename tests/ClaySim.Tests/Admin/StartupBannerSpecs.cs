using System.Text.Json.Nodes;
using ClayBus.ClaySim.Tests.Support;

namespace ClayBus.ClaySim.Tests.Admin;

/// <summary>These specs swap the process's console writer, so nothing else may run beside them.</summary>
[CollectionDefinition(nameof(ConsoleCapture), DisableParallelization = true)]
public sealed class ConsoleCapture;

/// <summary><c>dotnet run --project tools/ClaySim</c> prints every webhook URL of the default workspace at start.</summary>
[Collection(nameof(ConsoleCapture))]
public sealed class StartupBannerSpecs
{
    private const string PublicBaseUrl = "http://claysim.test:8080";

    [Fact]
    public async Task Should_print_every_webhook_url_at_start_with_its_token_masked()
    {
        var original = Console.Out;
        using var captured = new StringWriter();
        JsonNode workspace;
        Console.SetOut(TextWriter.Synchronized(captured));
        try
        {
            using var host = new ClaySimHost(new Dictionary<string, string?>
            {
                ["ClaySim:PrintWebhookUrls"] = "true",
                ["ClaySim:PublicBaseUrl"] = PublicBaseUrl,
                ["ClaySim:EnrichmentEnabled"] = "false",
            });
            using var sim = host.Sim;
            workspace = await sim.WorkspaceAsync();
        }
        finally
        {
            Console.SetOut(original);
        }

        var output = captured.ToString();
        var tables = workspace["tables"]!.AsArray();
        var hooks = tables.SelectMany(t => t!["webhooks"]!.AsArray()).ToList();
        Assert.Equal(2 * tables.Count, hooks.Count);
        Assert.Contains($"admin API under {PublicBaseUrl}/_sim/", output, StringComparison.Ordinal);
        Assert.All(tables, t => Assert.Contains($"table {t!["key"]!.GetValue<string>()} ", output, StringComparison.Ordinal));
        Assert.All(hooks, hook =>
        {
            var url = hook!["url"]!.GetValue<string>();
            var token = hook["token"]!.GetValue<string>();
            Assert.StartsWith(PublicBaseUrl + "/v3/sources/webhook/", url, StringComparison.Ordinal);
            Assert.Contains($"{url}  (token …{token[^6..]})", output, StringComparison.Ordinal);
            Assert.DoesNotContain(token, output, StringComparison.Ordinal);
        });
    }
}
