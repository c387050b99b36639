using ClayBus.Enricher.Idempotency;
using ClayBus.Enricher.Tests.Fixtures;
using ClayBus.Testing;

namespace ClayBus.Enricher.Tests.Idempotency;

[Trait("Category", "Integration")]
public sealed class RowClaimsSpecs(InfrastructureFixture infrastructure) : IClassFixture<InfrastructureFixture>
{
    private static readonly TimeSpan Keep = TimeSpan.FromHours(1);

    [Fact]
    public async Task Should_skip_sent_rows_and_hold_rows_another_delivery_is_sending()
    {
        var claims = new RowClaims(await Keyspaces.ConnectAsync(infrastructure));
        var job = Guid.NewGuid();

        var first = await claims.ClaimAsync(job, "a", ["r1", "r2", "r3"], TimeSpan.FromSeconds(30), Keep);
        await claims.MarkSentAsync(job, ["r1"], Keep);
        var second = await claims.ClaimAsync(job, "b", ["r1", "r2", "r4"], TimeSpan.FromSeconds(30), Keep);

        Assert.Equal(["r1", "r2", "r3"], first.Claimed);
        Assert.Equal(["r1"], second.AlreadySent);
        Assert.Equal(["r2"], second.Busy);
        Assert.Equal(["r4"], second.Claimed);
        Assert.InRange(second.BusyFor, TimeSpan.FromSeconds(25), TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task Should_let_another_delivery_take_over_when_a_crashed_lease_ends()
    {
        var claims = new RowClaims(await Keyspaces.ConnectAsync(infrastructure));
        var job = Guid.NewGuid();
        await claims.ClaimAsync(job, "crashed", ["r1"], TimeSpan.FromMilliseconds(300), Keep);

        var taken = await Eventually.Value(
            () => claims.ClaimAsync(job, "survivor", ["r1"], TimeSpan.FromSeconds(30), Keep),
            claim => claim.Claimed.Count == 1,
            TimeSpan.FromSeconds(5),
            "the crashed lease to end");

        Assert.Empty(taken.Busy);
    }

    [Fact]
    public async Task Should_release_only_the_owners_rows()
    {
        var claims = new RowClaims(await Keyspaces.ConnectAsync(infrastructure));
        var job = Guid.NewGuid();
        await claims.ClaimAsync(job, "a", ["r1"], TimeSpan.FromSeconds(30), Keep);

        await claims.ReleaseAsync(job, "b", ["r1"]);
        var stillBusy = await claims.ClaimAsync(job, "c", ["r1"], TimeSpan.FromSeconds(30), Keep);
        await claims.ReleaseAsync(job, "a", ["r1"]);
        var free = await claims.ClaimAsync(job, "c", ["r1"], TimeSpan.FromSeconds(30), Keep);

        Assert.Equal(["r1"], stillBusy.Busy);
        Assert.Equal(["r1"], free.Claimed);
    }
}
