using ClayBus.Testing;

namespace ClayBus.Cli.Tests.Connection;

public sealed class ServiceClientSpecs : FakeMonitorSpecs
{
    [Fact]
    public async Task Should_send_the_api_key_from_the_environment_on_every_request_and_never_print_it()
    {
        var jobId = Guid.NewGuid();
        Monitor.Put(Jobs.Of(jobId, "delivering", delivered: 10));
        var cli = new CliRun(new Dictionary<string, string?> { ["CLAYBUS_API_KEY"] = "test-only-operator-key-4711", ["CLAYBUS_MONITOR_URL"] = MonitorAddress });

        Assert.Equal(0, await cli.RunAsync("status", jobId.ToString()));
        Assert.Equal(0, await cli.RunAsync("dlq", "list"));
        Assert.Equal(0, await cli.RunAsync("cancel", jobId.ToString()));

        Assert.True(Monitor.ApiKeys.Count >= 4, $"{Monitor.ApiKeys.Count} requests");
        Assert.All(Monitor.ApiKeys, key => Assert.Equal("test-only-operator-key-4711", key));
        Assert.DoesNotContain("4711", cli.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_send_the_development_placeholder_when_no_key_is_set()
    {
        var cli = new CliRun();

        Assert.Equal(0, await cli.RunAsync("status", "--monitor", MonitorAddress));

        Assert.All(Monitor.ApiKeys, key => Assert.Equal("dev-only-claybus-api-key", key));
        Assert.NotEmpty(Monitor.ApiKeys);
    }

    [Fact]
    public async Task Should_prefer_theMonitor_option_to_the_environment()
    {
        var cli = new CliRun(new Dictionary<string, string?> { ["CLAYBUS_MONITOR_URL"] = "http://127.0.0.1:1/" });

        Assert.Equal(0, await cli.RunAsync("status", "--monitor", MonitorAddress));
    }

    [Fact]
    public async Task When_theMonitor_is_not_running_should_say_where_it_looked_and_how_to_start_it_in_one_line()
    {
        var port = ServiceProcess.FreePort();
        var cli = new CliRun(new Dictionary<string, string?> { ["CLAYBUS_MONITOR_URL"] = $"http://127.0.0.1:{port}" });

        var exit = await cli.RunAsync("status");

        Assert.Equal(1, exit);
        var line = Assert.Single(cli.Lines);
        Assert.Equal(
            $"cannot reach the Monitor at http://127.0.0.1:{port}/ (connection refused). Start ClayBus with scripts/run.sh, or point --monitor or $CLAYBUS_MONITOR_URL at a running Monitor.",
            line);
    }

    [Theory]
    [InlineData("localhost:5103")]
    [InlineData("ftp://127.0.0.1:5103")]
    public async Task Should_reject_aMonitor_address_that_is_not_an_http_url(string address)
    {
        var cli = new CliRun();

        var exit = await cli.RunAsync("status", "--monitor", address);

        Assert.Equal(2, exit);
        Assert.Contains($"--monitor must be an absolute http(s) URL such as http://127.0.0.1:5103, got '{address}'", cli.Output, StringComparison.Ordinal);
    }
}
