using System.Collections.Concurrent;
using ClayBus.Monitor.Scheduling;
using ClayBus.ServiceDefaults.Redis;
using ClayBus.Testing;
using Microsoft.Extensions.Options;

namespace ClayBus.Monitor.Tests.Scheduling;

[Trait("Category", "Integration")]
public sealed class ScheduledMessageStoreSpecs(InfrastructureFixture infrastructure) : IClassFixture<InfrastructureFixture>
{
    private readonly ScheduledMessageStore _store = new(new RedisKeyspace(
        infrastructure.Redis.Connection,
        Options.Create(new RedisOptions { KeyPrefix = infrastructure.Redis.Prefix + Guid.NewGuid().ToString("N")[..8] + ":" })));

    private static ScheduledMessageRecord Record => new(new Uri("queue:job-state"), "application/vnd.masstransit+json", [1, 2, 3], Guid.NewGuid(), new Dictionary<string, string> { ["MT-Scheduling-TokenId"] = "x" });

    [Fact]
    public async Task Should_hand_each_due_message_to_exactly_one_of_several_pollers()
    {
        var tokens = Enumerable.Range(0, 200).Select(_ => Guid.NewGuid()).ToList();
        await Task.WhenAll(tokens.Select(token => _store.Add(token, DateTimeOffset.UtcNow.AddSeconds(-1), Record)));
        var claimed = new ConcurrentBag<Guid>();

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (true)
            {
                var (batch, lease) = await _store.ClaimDue(DateTimeOffset.UtcNow, TimeSpan.FromMinutes(1), 7);
                if (batch.Count == 0)
                {
                    return;
                }

                foreach (var token in batch)
                {
                    claimed.Add(token);
                    Assert.True(await _store.Complete(token, lease));
                }
            }
        })));

        Assert.Equal(200, claimed.Count);
        Assert.Equal(tokens.Order(), claimed.Order());
        Assert.Equal(0, await _store.Count());
    }

    [Fact]
    public async Task Should_not_hand_out_a_message_before_it_is_due_or_after_it_is_cancelled()
    {
        var later = Guid.NewGuid();
        var cancelled = Guid.NewGuid();
        await _store.Add(later, DateTimeOffset.UtcNow.AddMinutes(5), Record);
        await _store.Add(cancelled, DateTimeOffset.UtcNow.AddSeconds(-1), Record);

        Assert.True(await _store.Cancel(cancelled));
        var (due, _) = await _store.ClaimDue(DateTimeOffset.UtcNow, TimeSpan.FromMinutes(1), 10);

        Assert.Empty(due);
        Assert.Null(await _store.Read(cancelled));
        Assert.NotNull(await _store.Read(later));
    }

    [Fact]
    public async Task Should_hand_a_message_out_again_when_its_claimant_died_before_completing()
    {
        var token = Guid.NewGuid();
        await _store.Add(token, DateTimeOffset.UtcNow.AddSeconds(-1), Record);

        var (first, _) = await _store.ClaimDue(DateTimeOffset.UtcNow, TimeSpan.FromSeconds(30), 10);
        var (duringLease, _) = await _store.ClaimDue(DateTimeOffset.UtcNow, TimeSpan.FromSeconds(30), 10);
        var (afterLease, _) = await _store.ClaimDue(DateTimeOffset.UtcNow.AddSeconds(31), TimeSpan.FromSeconds(30), 10);

        Assert.Equal([token], first);
        Assert.Empty(duringLease);
        Assert.Equal([token], afterLease);
        Assert.Equal(Record.Body, (await _store.Read(token))!.Body);
    }
}
