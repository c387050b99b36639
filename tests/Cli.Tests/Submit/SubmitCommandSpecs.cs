namespace ClayBus.Cli.Tests.Submit;

public sealed class SubmitCommandSpecs : IAsyncLifetime
{
    private FakeMonitor _submitter = null!;

    public async Task InitializeAsync() => _submitter = await FakeMonitor.StartAsync();

    public async Task DisposeAsync() => await _submitter.DisposeAsync();

    [Fact]
    public async Task Should_send_the_api_key_with_the_upload_to_the_submitter_from_the_environment()
    {
        var csv = Path.Combine(Path.GetTempPath(), $"claybus-cli-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(csv, "email,company_domain\nada@example.com,example.com\n");
        try
        {
            var cli = new CliRun(new Dictionary<string, string?> { ["CLAYBUS_API_KEY"] = "test-only-submit-key", ["CLAYBUS_SUBMITTER_URL"] = _submitter.Address.ToString() });

            var exit = await cli.RunAsync("submit", csv);

            Assert.Equal(0, exit);
            Assert.Contains(_submitter.Requests, request => request.StartsWith("POST /jobs/csv?table=auto&priority=normal", StringComparison.Ordinal));
            Assert.Equal("test-only-submit-key", Assert.Single(_submitter.ApiKeys));
        }
        finally
        {
            File.Delete(csv);
        }
    }
}
