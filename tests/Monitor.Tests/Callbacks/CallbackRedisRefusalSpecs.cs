using ClayBus.Monitor.Callbacks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using StackExchange.Redis;

namespace ClayBus.Monitor.Tests.Callbacks;

public class CallbackRedisRefusalSpecs
{
    [Theory]
    [InlineData("READONLY You can't write against a read only replica.")]
    [InlineData("LOADING Redis is loading the dataset in memory")]
    [InlineData("OOM command not allowed when used memory > 'maxmemory'.")]
    public async Task Should_tell_Clay_to_retry_while_Redis_refuses(string refusal)
    {
        var answer = await ReceiveAsync(_ => throw new RedisServerException(RedisErrorKind.Unknown, CommandFlags.None, refusal));

        var problem = Assert.IsType<ProblemHttpResult>(answer);
        Assert.Equal(503, problem.StatusCode);
    }

    [Fact]
    public async Task Should_tell_Clay_to_retry_while_Redis_is_unreachable()
    {
        var answer = await ReceiveAsync(_ => throw new RedisConnectionException(ConnectionFailureType.UnableToConnect, CommandFlags.None, "no connection"));

        Assert.Equal(503, Assert.IsType<ProblemHttpResult>(answer).StatusCode);
    }

    [Fact]
    public async Task Should_leave_a_fault_that_is_not_Redis_refusing_to_the_error_handler()
    {
        await Assert.ThrowsAsync<InvalidOperationException>(() => ReceiveAsync(_ => throw new InvalidOperationException("a bug")).AsTask());
    }

    [Fact]
    public async Task Should_pass_the_receiver_s_answer_through()
    {
        var answer = await ReceiveAsync(_ => ValueTask.FromResult<object?>(Results.Ok()));

        Assert.IsType<Ok>(answer);
    }

    private static ValueTask<object?> ReceiveAsync(EndpointFilterDelegate receiver)
    {
        var http = new DefaultHttpContext { RequestServices = new EmptyServices() };
        return CallbackEndpoints.AnswerRetryWhileRedisRefuses(new DefaultEndpointFilterInvocationContext(http), receiver);
    }

    private sealed class EmptyServices : IServiceProvider
    {
        public object? GetService(Type serviceType) => null;
    }
}
