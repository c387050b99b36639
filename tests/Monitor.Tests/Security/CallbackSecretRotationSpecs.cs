using System.Net;
using ClayBus.Monitor.Tests.Integration;
using ClayBus.Testing;
using ClayBus.Testing.Security;
using MassTransit;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace ClayBus.Monitor.Tests.Security;

/// <summary>
/// Rotating Clay's callback secret without downtime: while both are configured both are accepted; once the old one
/// is removed from the (watched) configuration it is refused, with no restart in between.
/// </summary>
[Trait("Category", "Integration")]
public sealed class CallbackSecretRotationSpecs(InfrastructureFixture infrastructure) : IClassFixture<InfrastructureFixture>
{
    private const string OldSecret = "test-only-callback-old-6a1f93";
    private const string NewSecret = "test-only-callback-new-d02c55";

    [Fact]
    public async Task Should_accept_both_secrets_during_a_rotation_and_refuse_the_old_one_after()
    {
        var secrets = new ReloadableSettings(new Dictionary<string, string?> { ["Callbacks:Secrets:0"] = OldSecret, ["Callbacks:Secrets:1"] = NewSecret });
        await using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(host =>
        {
            host.UseEnvironment("Development");
            foreach (var (key, value) in infrastructure.Settings)
            {
                host.UseSetting(key, value);
            }

            host.ConfigureAppConfiguration((_, configuration) => configuration.Add(secrets));
        });
        using var client = factory.CreateClient();

        using var oldDuring = await Callback.Send(client, "people", Callback.Body(NewId.NextGuid(), "r-old"), OldSecret);
        using var newDuring = await Callback.Send(client, "people", Callback.Body(NewId.NextGuid(), "r-new"), NewSecret);
        Assert.Null(secrets.Replace(new Dictionary<string, string?> { ["Callbacks:Secrets:0"] = NewSecret }));
        using var oldAfter = await Callback.Send(client, "people", Callback.Body(NewId.NextGuid(), "r-old-2"), OldSecret);
        using var newAfter = await Callback.Send(client, "people", Callback.Body(NewId.NextGuid(), "r-new-2"), NewSecret);

        Assert.True(oldDuring.IsSuccessStatusCode, $"old secret during the rotation: {(int)oldDuring.StatusCode}");
        Assert.True(newDuring.IsSuccessStatusCode, $"new secret during the rotation: {(int)newDuring.StatusCode}");
        Assert.Equal(HttpStatusCode.Unauthorized, oldAfter.StatusCode);
        Assert.True(newAfter.IsSuccessStatusCode, $"new secret after the rotation: {(int)newAfter.StatusCode}");
    }

    [Fact]
    public async Task Should_answer_503_and_let_nobody_in_while_a_changed_secret_list_is_not_valid()
    {
        var secrets = new ReloadableSettings(new Dictionary<string, string?> { ["Callbacks:Secrets:0"] = NewSecret });
        await using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(host =>
        {
            host.UseEnvironment("Development");
            foreach (var (key, value) in infrastructure.Settings)
            {
                host.UseSetting(key, value);
            }

            host.ConfigureAppConfiguration((_, configuration) => configuration.Add(secrets));
        });
        using var client = factory.CreateClient();
        using var before = await Callback.Send(client, "people", Callback.Body(NewId.NextGuid(), "r-before"), NewSecret);

        Assert.NotNull(secrets.Replace(new Dictionary<string, string?> { ["Callbacks:Secrets:0"] = "short" }));
        using var during = await Callback.Send(client, "people", Callback.Body(NewId.NextGuid(), "r-during"), NewSecret);
        using var guessed = await Callback.Send(client, "people", Callback.Body(NewId.NextGuid(), "r-guess"), "short");

        Assert.True(before.IsSuccessStatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, during.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, guessed.StatusCode);
    }
}
