using ClayBus.ServiceDefaults.Redis;
using MassTransit;
using StackExchange.Redis;

namespace ClayBus.ServiceDefaults.Tests.Redis;

public sealed class RedisRefusalSpecs
{
    [Theory]
    [InlineData("READONLY You can't write against a read only replica.", RedisRefusalKind.ReadOnly)]
    [InlineData("MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.", RedisRefusalKind.ReadOnly)]
    [InlineData("NOREPLICAS Not enough good replicas to write.", RedisRefusalKind.ReadOnly)]
    [InlineData("LOADING Redis is loading the dataset in memory", RedisRefusalKind.Loading)]
    [InlineData("BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.", RedisRefusalKind.Loading)]
    [InlineData("OOM command not allowed when used memory > 'maxmemory'.", RedisRefusalKind.Full)]
    [InlineData("TRYAGAIN Multiple keys request during rehashing of slot", RedisRefusalKind.ClusterDown)]
    [InlineData("CLUSTERDOWN The cluster is down", RedisRefusalKind.ClusterDown)]
    [InlineData("EXECABORT Transaction discarded because of previous errors.", RedisRefusalKind.Full)]
    [InlineData("ERR Error running script (call to f_8f1b): @user_script:12: -OOM command not allowed when used memory > 'maxmemory'.", RedisRefusalKind.Full)]
    [InlineData("ERR Error running script (call to f_8f1b): @user_script:3: -READONLY You can't write against a read only replica.", RedisRefusalKind.ReadOnly)]
    [InlineData("ERR WAIT cannot be used with replica instances. Please also note that since Redis 4.0 if a replica is configured to be writable (which is not the default) writes to replicas are just local and are not propagated.", RedisRefusalKind.ReadOnly)]
    public void Should_take_a_refusal_that_ends_by_itself_for_an_outage(string message, RedisRefusalKind expected)
    {
        Assert.Equal(expected, RedisRefusal.Classify(ServerError(message)));
        Assert.True(RedisRefusal.IsOutage(ServerError(message)));
    }

    [Theory]
    [InlineData("WRONGTYPE Operation against a key holding the wrong kind of value")]
    [InlineData("ERR value is not an integer or out of range")]
    [InlineData("NOSCRIPT No matching script. Please use EVAL.")]
    [InlineData("ERR Error running script (call to f_8f1b): @user_script:7: user_script:7: attempt to compare nil with number")]
    [InlineData("READONLYISH not a code")]
    [InlineData("NOAUTH Authentication required.")]
    public void Should_leave_a_real_fault_a_fault(string message) =>
        Assert.Equal(RedisRefusalKind.None, RedisRefusal.Classify(ServerError(message)));

    [Fact]
    public void Should_take_a_lost_connection_or_a_timeout_for_unreachable()
    {
        Assert.Equal(RedisRefusalKind.Unreachable, RedisRefusal.Classify(new RedisConnectionException(ConnectionFailureType.SocketFailure, CommandFlags.None, "gone")));
        Assert.Equal(RedisRefusalKind.Unreachable, RedisRefusal.Classify(new RedisTimeoutException(CommandFlags.None, "Timeout awaiting response", CommandStatus.Sent)));
    }

    [Fact]
    public void Should_see_a_refusal_wrapped_by_the_saga_store_or_a_task()
    {
        var saga = new SagaException("saga update failed", typeof(object), Guid.NewGuid(), ServerError("READONLY You can't write against a read only replica."));
        var aggregate = new AggregateException(new InvalidOperationException("outer", ServerError("OOM command not allowed when used memory > 'maxmemory'.")));

        Assert.Equal(RedisRefusalKind.ReadOnly, RedisRefusal.Classify(saga));
        Assert.Equal(RedisRefusalKind.Full, RedisRefusal.Classify(aggregate));
    }

    [Fact]
    public void Should_not_take_an_unrelated_exception_for_an_outage()
    {
        Assert.False(RedisRefusal.IsOutage(new InvalidOperationException("boom", new ArgumentException("bad"))));
        Assert.False(RedisRefusal.IsOutage(new TimeoutException("an HTTP timeout, not Redis")));
    }

    [Theory]
    [InlineData(RedisErrorKind.ReadOnly, RedisRefusalKind.ReadOnly)]
    [InlineData(RedisErrorKind.OutOfMemory, RedisRefusalKind.Full)]
    [InlineData(RedisErrorKind.Loading, RedisRefusalKind.Loading)]
    [InlineData(RedisErrorKind.WrongType, RedisRefusalKind.None)]
    [InlineData(RedisErrorKind.NoScript, RedisRefusalKind.None)]
    public void Should_follow_the_kind_the_client_read(RedisErrorKind kind, RedisRefusalKind expected) =>
        Assert.Equal(expected, RedisRefusal.Classify(new RedisServerException(kind, CommandFlags.None, "text without a code")));

    [Theory]
    [InlineData(RedisRefusalKind.ReadOnly, "redis-readonly")]
    [InlineData(RedisRefusalKind.Full, "redis-full")]
    [InlineData(RedisRefusalKind.Unreachable, "redis-unreachable")]
    public void Should_name_each_refusal_for_pauses_and_readiness(RedisRefusalKind kind, string tag) =>
        Assert.Equal(tag, RedisRefusal.Tag(kind));

    // Unknown kind: the classification must read the code from the text, as it must for a script's errors.
    private static RedisServerException ServerError(string message) => new(RedisErrorKind.Unknown, CommandFlags.None, message);
}
