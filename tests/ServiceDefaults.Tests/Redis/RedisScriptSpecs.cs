using ClayBus.ServiceDefaults.Redis;

namespace ClayBus.ServiceDefaults.Tests.Redis;

/// <summary>How a script's names become KEYS and ARGV, with no Redis: the preamble, and a call that names them wrongly.</summary>
public sealed class RedisScriptSpecs
{
    private static readonly RedisScript Script = new("set a field", ["hash"], ["field", "value"], "return redis.call('HSET', hash, field, value)");

    [Fact]
    public void Should_bind_each_name_to_its_position_before_the_body()
    {
        Assert.Equal(
            "local hash = KEYS[1]\nlocal field = ARGV[1]\nlocal value = ARGV[2]\nlocal first_rest_key, first_rest_arg = 2, 3\n"
            + "return redis.call('HSET', hash, field, value)",
            Script.Source);
    }

    [Theory]
    [InlineData("value", "field")]
    [InlineData("field", "other")]
    public async Task Should_refuse_arguments_named_wrongly_or_out_of_order_before_asking_Redis(string first, string second)
    {
        // No database: the call must fail on the names alone.
        var refusal = await Assert.ThrowsAsync<ArgumentException>(() => Script.EvaluateAsync(null!, [("hash", "h")], [(first, "a"), (second, "b")]));

        Assert.Contains("'set a field' takes the arguments (field, value)", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_refuse_a_missing_key()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Script.EvaluateAsync(null!, [], [("field", "a"), ("value", "b")]));
    }
}
