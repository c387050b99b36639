using ClayBus.ServiceDefaults.Redis;
using ClayBus.Submitter.Dedupe;
using ClayBus.Testing;
using Microsoft.Extensions.Options;

namespace ClayBus.Submitter.Tests.Dedupe;

/// <summary>Row claims on the real Redis: what one run, a retried run, another job and a commit each see.</summary>
[Trait("Category", "Integration")]
public sealed class RecentRowsSpecs(InfrastructureFixture infrastructure) : IClassFixture<InfrastructureFixture>
{
    private readonly RecentRows _rows = new(
        new RedisKeyspace(infrastructure.Redis.Connection, Options.Create(new RedisOptions { KeyPrefix = infrastructure.Redis.Prefix })),
        Options.Create(new DedupeOptions()));

    [Fact]
    public async Task Should_find_a_row_repeated_inside_one_run_across_chunks()
    {
        var (job, run) = (Guid.NewGuid(), Guid.NewGuid());
        var (a, b) = (RowId(), RowId());

        var first = await _rows.ClaimAsync([a, b, a], job, run);
        var second = await _rows.ClaimAsync([b], job, run);

        Assert.Equal([RowClaim.Claimed, RowClaim.Claimed, RowClaim.DuplicateInJob], first);
        Assert.Equal([RowClaim.DuplicateInJob], second);
    }

    [Fact]
    public async Task Should_let_a_retried_run_of_the_same_job_take_over_its_unsent_rows_but_not_its_sent_ones()
    {
        var job = Guid.NewGuid();
        var (sent, unsent) = (RowId(), RowId());
        await _rows.ClaimAsync([sent, unsent], job, Guid.NewGuid());
        await _rows.CommitAsync([sent]);

        // The first run died before publishing `unsent`; the caller retries with the same idempotency key.
        var retry = Guid.NewGuid();
        var claims = await _rows.ClaimAsync([sent, unsent, unsent], job, retry);

        Assert.Equal([RowClaim.Taken, RowClaim.Claimed, RowClaim.DuplicateInJob], claims);
    }

    [Fact]
    public async Task Should_keep_a_row_from_another_job_while_claimed_and_after_it_is_sent()
    {
        var (claimed, sent) = (RowId(), RowId());
        await _rows.ClaimAsync([claimed, sent], Guid.NewGuid(), Guid.NewGuid());
        await _rows.CommitAsync([sent]);

        var other = await _rows.ClaimAsync([claimed, sent], Guid.NewGuid(), Guid.NewGuid());

        Assert.Equal([RowClaim.Taken, RowClaim.Taken], other);
    }

    [Fact]
    public async Task Should_let_any_job_claim_the_unsent_rows_of_a_failed_run_but_not_its_sent_ones()
    {
        var (job, run) = (Guid.NewGuid(), Guid.NewGuid());
        var (sent, unsent) = (RowId(), RowId());
        await _rows.ClaimAsync([sent, unsent], job, run);
        await _rows.CommitAsync([sent]);

        await _rows.MarkRunFailedAsync(job, run);
        var other = await _rows.ClaimAsync([sent, unsent], Guid.NewGuid(), Guid.NewGuid());

        Assert.Equal([RowClaim.Taken, RowClaim.Claimed], other);
    }

    [Fact]
    public async Task Should_free_only_the_rows_its_own_run_claimed_when_releasing()
    {
        var (job, run) = (Guid.NewGuid(), Guid.NewGuid());
        var (mine, theirs) = (RowId(), RowId());
        await _rows.ClaimAsync([mine], job, run);
        await _rows.ClaimAsync([theirs], Guid.NewGuid(), Guid.NewGuid());

        await _rows.ReleaseAsync([mine, theirs], RecentRows.Claimant(job, run));
        var next = await _rows.ClaimAsync([mine, theirs], Guid.NewGuid(), Guid.NewGuid());

        Assert.Equal([RowClaim.Claimed, RowClaim.Taken], next);
    }

    [Fact]
    public async Task Should_keep_a_row_marked_sent_by_the_layout_before_the_row_hash()
    {
        var (old, claimedOld) = (RowId(), RowId());
        await infrastructure.Redis.Database.StringSetAsync(infrastructure.Redis.Prefix + "submitter:row:" + old, "sent:" + Guid.NewGuid().ToString("N"), TimeSpan.FromMinutes(5));
        await infrastructure.Redis.Database.StringSetAsync(infrastructure.Redis.Prefix + "submitter:row:" + claimedOld, $"{Guid.NewGuid():N}:{Guid.NewGuid():N}", TimeSpan.FromMinutes(5));

        var claims = await _rows.ClaimAsync([old, claimedOld], Guid.NewGuid(), Guid.NewGuid());

        Assert.Equal([RowClaim.Taken, RowClaim.Taken], claims);
        var seen = await _rows.SeenAsync([old, claimedOld]);
        Assert.Equal(new[] { true, true }, seen);
    }

    [Fact]
    public async Task Should_free_a_row_sent_before_the_window_even_while_its_lineage_is_kept()
    {
        var (stale, recent) = (RowId(), RowId());
        var now = DateTimeOffset.UtcNow;
        await infrastructure.Redis.Database.HashSetAsync(infrastructure.Redis.Prefix + "row:" + stale, [new("q", "s|" + now.AddDays(-31).ToUnixTimeSeconds()), new("j", "job")]);
        await infrastructure.Redis.Database.HashSetAsync(infrastructure.Redis.Prefix + "row:" + recent, [new("q", "s|" + now.AddDays(-29).ToUnixTimeSeconds()), new("j", "job")]);

        var seen = await _rows.SeenAsync([stale, recent]);
        Assert.Equal(new[] { false, true }, seen);
        var claims = await _rows.ClaimAsync([stale, recent], Guid.NewGuid(), Guid.NewGuid());

        Assert.Equal([RowClaim.Claimed, RowClaim.Taken], claims);
        Assert.Equal("job", (string?)await infrastructure.Redis.Database.HashGetAsync(infrastructure.Redis.Prefix + "row:" + stale, "j"));
    }

    [Fact]
    public async Task Should_never_shorten_the_ttl_of_a_row_hash_it_marks()
    {
        var row = RowId();
        var key = infrastructure.Redis.Prefix + "row:" + row;
        await infrastructure.Redis.Database.HashSetAsync(key, "j", "job");
        await infrastructure.Redis.Database.KeyExpireAsync(key, TimeSpan.FromDays(90));

        await _rows.ClaimAsync([row], Guid.NewGuid(), Guid.NewGuid());
        await _rows.CommitAsync([row]);

        Assert.True(await infrastructure.Redis.Database.KeyTimeToLiveAsync(key) > TimeSpan.FromDays(89));
    }

    private static string RowId() => Guid.NewGuid().ToString("N");
}
