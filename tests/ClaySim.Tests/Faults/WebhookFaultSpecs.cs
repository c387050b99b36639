using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ClayBus.ClaySim.Tests.Ingest;
using ClayBus.ClaySim.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace ClayBus.ClaySim.Tests.Faults;

/// <summary>Webhook deleted and token rotated as time-boxed faults (<c>?forSeconds=</c>), on a clock the test owns.</summary>
public sealed class WebhookFaultSpecs() : ClaySimSpecs(
    new Dictionary<string, string?> { ["ClaySim:EnrichmentEnabled"] = "false" },
    new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero)))
{
    private FakeTimeProvider Clock => (FakeTimeProvider)Time!;

    [Fact]
    public async Task Should_bring_a_webhook_back_when_its_time_boxed_deletion_ends()
    {
        var hook = await Sim.CreateTableAsync("deleted-for-a-while");

        var deleted = await Sim.Http.DeleteAsync(new Uri($"/_sim/webhooks/{hook.Id}?forSeconds=30", UriKind.Relative));
        var during = await Sim.SendAsync(hook, "{}");
        Clock.Advance(TimeSpan.FromSeconds(29.999));
        var justBefore = await Sim.SendAsync(hook, "{}");
        var listed = await WebhookAsync(hook);
        Clock.Advance(TimeSpan.FromMilliseconds(1));
        var after = await Sim.SendAsync(hook, "{}");

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        await IngestEndpointSpecs.AssertRejected(during, HttpStatusCode.NotFound, "webhook_not_found", "deleted");
        Assert.Equal(HttpStatusCode.NotFound, justBefore.StatusCode);
        Assert.True(listed["deleted"]!.GetValue<bool>());
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.False((await WebhookAsync(hook))["deleted"]!.GetValue<bool>());
        Assert.Equal(1, await Sim.CounterAsync("webhooks", hook.Id, "recordsAccepted"));
    }

    [Fact]
    public async Task Should_keep_a_webhook_deleted_for_good_past_an_earlier_time_box()
    {
        var hook = await Sim.CreateTableAsync("deleted-for-good");
        await Sim.Http.DeleteAsync(new Uri($"/_sim/webhooks/{hook.Id}?forSeconds=30", UriKind.Relative));
        (await Sim.Http.DeleteAsync(new Uri($"/_sim/webhooks/{hook.Id}", UriKind.Relative))).EnsureSuccessStatusCode();

        Clock.Advance(TimeSpan.FromSeconds(60));
        var after = await Sim.SendAsync(hook, "{}");
        var boxedAgain = await Sim.Http.DeleteAsync(new Uri($"/_sim/webhooks/{hook.Id}?forSeconds=30", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, after.StatusCode);
        await IngestEndpointSpecs.AssertRejected(boxedAgain, HttpStatusCode.NotFound, "webhook_not_found", "for good");
    }

    [Fact]
    public async Task Should_make_the_old_token_valid_again_when_a_time_boxed_rotation_ends()
    {
        var hook = await Sim.CreateTableAsync("rotated-for-a-while");
        var rotatedAt = Clock.GetUtcNow();

        var rotation = await Sim.Http.PostAsync(new Uri($"/_sim/webhooks/{hook.Id}/rotate-token?forSeconds=30", UriKind.Relative), null);
        var answer = (await rotation.Content.ReadFromJsonAsync<JsonObject>())!;
        var newToken = answer["token"]!.GetValue<string>();
        var oldDuring = await Sim.SendAsync(hook, "{}", hook.Token);
        var newDuring = await Sim.SendAsync(hook, "{}", newToken);
        var listedDuring = (await WebhookAsync(hook))["token"]!.GetValue<string>();
        Clock.Advance(TimeSpan.FromSeconds(30));
        var oldAfter = await Sim.SendAsync(hook, "{}", hook.Token);
        var newAfter = await Sim.SendAsync(hook, "{}", newToken);

        Assert.Equal(HttpStatusCode.OK, rotation.StatusCode);
        Assert.Equal(rotatedAt.AddSeconds(30), answer["revertsAt"]!.GetValue<DateTimeOffset>());
        Assert.NotEqual(hook.Token, newToken);
        await IngestEndpointSpecs.AssertRejected(oldDuring, HttpStatusCode.Unauthorized, "unauthorized", "rotated");
        Assert.Equal(HttpStatusCode.OK, newDuring.StatusCode);
        Assert.Equal(newToken, listedDuring);
        Assert.Equal(HttpStatusCode.OK, oldAfter.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, newAfter.StatusCode);
        Assert.Equal(hook.Token, (await WebhookAsync(hook))["token"]!.GetValue<string>());
    }

    [Fact]
    public async Task Should_keep_a_token_rotated_without_a_time_box()
    {
        var hook = await Sim.CreateTableAsync("rotated-for-good");

        var rotation = await Sim.Http.PostAsync(new Uri($"/_sim/webhooks/{hook.Id}/rotate-token", UriKind.Relative), null);
        var answer = (await rotation.Content.ReadFromJsonAsync<JsonObject>())!;
        Clock.Advance(TimeSpan.FromDays(1));
        var oldAfter = await Sim.SendAsync(hook, "{}", hook.Token);
        var newAfter = await Sim.SendAsync(hook, "{}", answer["token"]!.GetValue<string>());

        Assert.Null(answer["revertsAt"]);
        Assert.Equal(HttpStatusCode.Unauthorized, oldAfter.StatusCode);
        Assert.Equal(HttpStatusCode.OK, newAfter.StatusCode);
    }

    [Theory]
    [InlineData("DELETE", "", "0")]
    [InlineData("POST", "/rotate-token", "-1")]
    [InlineData("POST", "/rotate-token", "99999999999")]
    public async Task Should_refuse_a_time_box_that_is_not_above_zero_or_is_over_a_year_and_change_nothing(string method, string path, string seconds)
    {
        var hook = await Sim.CreateTableAsync("bad-time-box");

        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri($"/_sim/webhooks/{hook.Id}{path}?forSeconds={seconds}", UriKind.Relative));
        var response = await Sim.Http.SendAsync(request);

        await IngestEndpointSpecs.AssertRejected(response, HttpStatusCode.BadRequest, "invalid_time_box", "forSeconds");
        Assert.Equal(HttpStatusCode.OK, (await Sim.SendAsync(hook, "{}")).StatusCode);
    }

    private async Task<JsonNode> WebhookAsync(Webhook hook) =>
        (await Sim.WorkspaceAsync())["tables"]!.AsArray()
            .SelectMany(t => t!["webhooks"]!.AsArray())
            .Single(h => h!["id"]!.GetValue<string>() == hook.Id)!;
}
