using System.Net;
using ClayBus.Submitter.Tests.Integration;
using ClayBus.Testing.Security;

namespace ClayBus.Submitter.Tests.Security;

[Collection(SubmitterCollection.Name)]
[Trait("Category", "Integration")]
public sealed class SubmittedBySpecs(SubmitterHost host) : IAsyncLifetime
{
    public Task InitializeAsync() => host.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Should_record_the_name_of_the_key_that_submitted_the_job()
    {
        var (status, body) = await Leads.PostJsonAsync(host.Client(key: TestKeys.Submitter), new { rows = Leads.Rows(3), source = "crm-export" });

        Assert.Equal(HttpStatusCode.Accepted, status);
        var submitted = Assert.Single(await host.Broker.DrainAsync(BrokerProbe.JobSubmittedQueue));
        Assert.Equal(body.GetProperty("jobId").GetGuid(), submitted.Message.GetProperty("jobId").GetGuid());
        Assert.Equal("submit-key", submitted.Message.GetProperty("submittedBy").GetString());
    }
}
