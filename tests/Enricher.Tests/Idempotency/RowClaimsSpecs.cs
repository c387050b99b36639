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

    [Fact]
    public async Task Should_write_a_sent_row_packed_and_skip_it_on_a_resend()
    {
        var redis = await Keyspaces.ConnectAsync(infrastructure);
        var claims = new RowClaims(redis);
        var job = Guid.NewGuid();
        string[] rows = ["0123456789abcdef0123456789abcdef", "0129999999abcdef0123456789abcdef", "fff3456789abcdef0123456789abcdef"];

        await claims.ClaimAsync(job, "a", rows, TimeSpan.FromSeconds(30), Keep);
        await claims.MarkSentAsync(job, rows, Keep);
        var resend = await claims.ClaimAsync(job, "b", rows, TimeSpan.FromSeconds(30), Keep);

        Assert.Equal(rows, resend.AlreadySent);
        var fields = (await redis.Database.HashGetAllAsync($"delivery:job:{job:N}")).ToDictionary(f => (string)f.Name!, f => (byte[])f.Value!);
        Assert.Equal(["s|012", "s|fff"], fields.Keys.Order());
        Assert.Equal(32, fields["s|012"].Length);
    }

    // Claims written before the packing (one text field a row) must still stop a resend, and still lease a row.
    [Theory]
    [InlineData("sent", ClaimCode.Sent)]
    [InlineData("sending|other|{future}", ClaimCode.Busy)]
    [InlineData("unknown|other|{future}", ClaimCode.Waiting)]
    public async Task Should_honour_a_claim_of_the_older_layout(string stored, ClaimCode expected)
    {
        var redis = await Keyspaces.ConnectAsync(infrastructure);
        var claims = new RowClaims(redis);
        var job = Guid.NewGuid();
        const string row = "89abcdef0123456789abcdef01234567";
        var future = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        await redis.Database.HashSetAsync($"delivery:job:{job:N}", row, stored.Replace("{future}", future, StringComparison.Ordinal));

        var claim = await claims.ClaimAsync(job, "me", [row], TimeSpan.FromSeconds(30), Keep);

        var actual = claim.Claimed.Count == 1 ? ClaimCode.Claimed
            : claim.AlreadySent.Count == 1 ? ClaimCode.Sent
            : claim.Busy.Count == 1 ? ClaimCode.Busy
            : ClaimCode.Waiting;
        Assert.Equal(expected, actual);
    }

    [Fact]
    public async Task Should_pack_an_older_layout_row_once_a_callback_proves_its_send()
    {
        var redis = await Keyspaces.ConnectAsync(infrastructure);
        var claims = new RowClaims(redis);
        var job = Guid.NewGuid();
        const string row = "89abcdef0123456789abcdef01234567";
        var future = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeMilliseconds();
        await redis.Database.HashSetAsync($"delivery:job:{job:N}", row, $"unknown|old|{future}");

        Assert.True(await claims.MarkProvedAsync(job, row));
        var claim = await claims.ClaimAsync(job, "me", [row], TimeSpan.FromSeconds(30), Keep);
        var again = await claims.ClaimAsync(job, "me", [row], TimeSpan.FromSeconds(30), Keep);

        Assert.Equal([row], claim.AlreadySent);
        Assert.Equal([row], again.AlreadySent);
        Assert.False(await redis.Database.HashExistsAsync($"delivery:job:{job:N}", row));
        Assert.True(SentRowPacking.Contains((byte[])(await redis.Database.HashGetAsync($"delivery:job:{job:N}", "s|89a"))!, SentRowPacking.Entry(row)));
    }

    // The Lua's search must agree with SentRowPacking.Contains: a match straddling two entries is not the row.
    [Fact]
    public async Task Should_not_take_bytes_straddling_two_packed_rows_for_a_sent_row()
    {
        var redis = await Keyspaces.ConnectAsync(infrastructure);
        var claims = new RowClaims(redis);
        var job = Guid.NewGuid();
        var bucket = SentRowPacking.Add(SentRowPacking.Entry("abc0000000000000000000000000abc4"), SentRowPacking.Entry("abc5555555555555555555555555abc6"));
        await redis.Database.HashSetAsync($"delivery:job:{job:N}", "s|abc", bucket);
        const string straddling = "abc4abc5555555555555555555555555";

        var claim = await claims.ClaimAsync(job, "me", ["abc0000000000000000000000000abc4", straddling], TimeSpan.FromSeconds(30), Keep);

        Assert.False(SentRowPacking.Contains(bucket, Convert.FromHexString(straddling)));
        Assert.Equal(["abc0000000000000000000000000abc4"], claim.AlreadySent);
        Assert.Equal([straddling], claim.Claimed);
    }
}
