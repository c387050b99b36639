using ClayBus.Enricher.Pausing;
using StackExchange.Redis;

namespace ClayBus.Enricher.Tests.Pausing;

public sealed class LedgerOutageSpecs
{
    [Fact]
    public void Should_say_a_full_Redis_is_full_and_what_to_do()
    {
        var detail = LedgerOutage.Detail(ServerError("OOM command not allowed when used memory > 'maxmemory'."));

        Assert.StartsWith("redis-full: ", detail, StringComparison.Ordinal);
        Assert.Contains("free memory", detail, StringComparison.Ordinal);
        Assert.Contains("OOM command not allowed", detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_say_a_failover_is_under_way_on_READONLY()
    {
        var detail = LedgerOutage.Detail(new InvalidOperationException("wrapped", ServerError("READONLY You can't write against a read only replica.")));

        Assert.StartsWith("redis-readonly: ", detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_show_only_the_type_of_a_connection_error_which_may_name_endpoints()
    {
        var detail = LedgerOutage.Detail(new RedisConnectionException(ConnectionFailureType.UnableToConnect, CommandFlags.None, "It was not possible to connect to redis-0:6379,password=s3cret-value"));

        Assert.StartsWith("redis-unreachable: ", detail, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", detail, StringComparison.Ordinal);
        Assert.Contains(nameof(RedisConnectionException), detail, StringComparison.Ordinal);
    }

    // Unknown kind: the classification must read the code from the text, as it must for a script's errors.
    private static RedisServerException ServerError(string message) => new(RedisErrorKind.Unknown, CommandFlags.None, message);
}
