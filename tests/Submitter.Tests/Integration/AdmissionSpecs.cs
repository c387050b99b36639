using System.Net;
using ClayBus.Contracts.Credits;
using ClayBus.Testing;

namespace ClayBus.Submitter.Tests.Integration;

[Collection(SubmitterCollection.Name)]
[Trait("Category", "Integration")]
public sealed class AdmissionSpecs(SubmitterHost host) : IAsyncLifetime
{
    private const string HeldKey = "submitter:held";

    public Task InitializeAsync() => host.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Should_reject_a_job_over_budget_and_publish_nothing()
    {
        host.Remaining = 500;

        // 100 rows × 6 credits = 600 > 500.
        var (status, body) = await Leads.PostJsonAsync(host.Client("reject"), new { rows = Leads.Rows(100) });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Equal("budget", body.GetProperty("field").GetString());
        Assert.Equal("rejected", body.GetProperty("report").GetProperty("admission").GetString());
        Assert.Equal(0u, await host.Broker.CountAsync(BrokerProbe.DeliverBatchQueue));
        Assert.Equal(0u, await host.Broker.CountAsync(BrokerProbe.JobSubmittedQueue));
    }

    [Fact]
    public async Task Should_free_the_rows_of_a_rejected_job_for_a_later_submission()
    {
        var rows = Leads.Rows(100);
        host.Remaining = 500;
        await Leads.PostJsonAsync(host.Client("reject"), new { rows });
        host.Remaining = 1_000;

        var (status, body) = await Leads.PostJsonAsync(host.Client("reject"), new { rows });

        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.Equal(100, body.GetProperty("rowsAccepted").GetInt32());
        Assert.Equal(2u, await host.Broker.CountAsync(BrokerProbe.DeliverBatchQueue));
    }

    [Fact]
    public async Task Should_hold_a_job_over_budget_whole_and_release_it_on_the_budget_reset()
    {
        host.Remaining = 500;

        var (status, body) = await Leads.PostJsonAsync(host.Client("hold"), new { rows = Leads.Rows(100) });

        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.Equal("held", body.GetProperty("admission").GetString());
        Assert.Equal(100, body.GetProperty("rowsHeld").GetInt32());
        Assert.Equal(0u, await host.Broker.CountAsync(BrokerProbe.DeliverBatchQueue));
        Assert.Equal(2, await host.Redis.Database.ListLengthAsync(host.Redis.Prefix + HeldKey));

        await host.Ledger.Publish(new BudgetReset(DateOnly.FromDateTime(DateTime.UtcNow), 10_000, DateTimeOffset.UtcNow));

        await Eventually.Until(async () => await host.Broker.CountAsync(BrokerProbe.DeliverBatchQueue) == 2, TimeSpan.FromSeconds(20), "the held batches to be published");
        await Eventually.Until(async () => await host.Broker.CountAsync(BrokerProbe.HeldReleasedQueue) == 1, TimeSpan.FromSeconds(20), "HeldBatchesReleased");
        var released = Assert.Single(await host.Broker.DrainAsync(BrokerProbe.HeldReleasedQueue));
        Assert.Equal(body.GetProperty("jobId").GetGuid(), released.Message.GetProperty("jobId").GetGuid());
        Assert.Equal(100, released.Message.GetProperty("rows").GetInt32());
        Assert.Equal(0, await host.Redis.Database.ListLengthAsync(host.Redis.Prefix + HeldKey));
    }

    [Fact]
    public async Task Should_refuse_a_job_that_would_pass_the_held_batch_cap_and_hold_none_of_it()
    {
        host.Remaining = 500;
        var client = host.Client("hold", maxHeldBatches: 3);
        var (first, _) = await Leads.PostJsonAsync(client, new { rows = Leads.Rows(100) });
        Assert.Equal(HttpStatusCode.Accepted, first);

        // Two more batches would make four waiting: over the cap of three.
        var rows = Leads.Rows(100);
        var (status, body) = await Leads.PostJsonAsync(client, new { rows });

        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Contains("Admission:MaxHeldBatches", body.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(3, body.GetProperty("maxHeldBatches").GetInt32());
        Assert.Equal(2, await host.Redis.Database.ListLengthAsync(host.Redis.Prefix + HeldKey));
        Assert.Equal(0u, await host.Broker.CountAsync(BrokerProbe.DeliverBatchQueue));

        // Its rows were not taken: once there is room they are accepted whole.
        host.Remaining = 1_000_000;
        var (again, report) = await Leads.PostJsonAsync(client, new { rows });
        Assert.Equal(HttpStatusCode.Accepted, again);
        Assert.Equal(100, report.GetProperty("rowsAccepted").GetInt32());
    }

    [Fact]
    public async Task Should_split_a_job_sending_what_fits_today()
    {
        host.Remaining = 700;

        // 3 batches of 300, 300, 300 credits: two fit in 700.
        var (status, body) = await Leads.PostJsonAsync(host.Client("split"), new { rows = Leads.Rows(150) });

        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.Equal("split", body.GetProperty("admission").GetString());
        Assert.Equal(2, body.GetProperty("batchesPublished").GetInt32());
        Assert.Equal(1, body.GetProperty("batchesHeld").GetInt32());
        Assert.Equal(2u, await host.Broker.CountAsync(BrokerProbe.DeliverBatchQueue));
        Assert.Equal(1, await host.Redis.Database.ListLengthAsync(host.Redis.Prefix + HeldKey));
    }

    [Fact]
    public async Task Should_fail_closed_when_the_ledger_does_not_answer_and_send_the_job_once_it_answers()
    {
        host.LedgerSilent = true;

        var (status, body) = await Leads.PostJsonAsync(host.Client("split"), new { rows = Leads.Rows(10) });

        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.Equal("held", body.GetProperty("admission").GetString());
        Assert.Contains("fail closed", body.GetProperty("budgetSource").GetString(), StringComparison.Ordinal);
        Assert.Equal(0u, await host.Broker.CountAsync(BrokerProbe.DeliverBatchQueue));
        var questions = host.LedgerQuestions;
        await Eventually.Until(() => host.LedgerQuestions > questions, TimeSpan.FromSeconds(20), "the held job to be offered to the ledger again");
        Assert.Equal(0u, await host.Broker.CountAsync(BrokerProbe.DeliverBatchQueue));

        // A stalled ledger must not hold the job until midnight's reset.
        host.LedgerSilent = false;

        await Eventually.Until(async () => await host.Broker.CountAsync(BrokerProbe.HeldReleasedQueue) == 1, TimeSpan.FromSeconds(30), "HeldBatchesReleased");
        Assert.Equal(1u, await host.Broker.CountAsync(BrokerProbe.DeliverBatchQueue));
        var released = Assert.Single(await host.Broker.DrainAsync(BrokerProbe.HeldReleasedQueue));
        Assert.Equal(body.GetProperty("jobId").GetGuid(), released.Message.GetProperty("jobId").GetGuid());
        Assert.Equal(10, released.Message.GetProperty("rows").GetInt32());
        Assert.Equal(0, await host.Redis.Database.ListLengthAsync(host.Redis.Prefix + "submitter:held:unanswered"));
        Assert.Equal(0, await host.Redis.Database.ListLengthAsync(host.Redis.Prefix + HeldKey));
    }

    [Fact]
    public async Task Should_hold_a_job_for_the_reset_when_the_answering_ledger_says_it_does_not_fit()
    {
        host.LedgerSilent = true;
        await Leads.PostJsonAsync(host.Client("hold"), new { rows = Leads.Rows(100) });
        host.Remaining = 500;

        // Held whole for the silence, then whole for the budget: 600 credits do not fit in 500.
        host.LedgerSilent = false;

        await Eventually.Until(async () => await host.Redis.Database.ListLengthAsync(host.Redis.Prefix + HeldKey) == 2, TimeSpan.FromSeconds(30), "the batches to wait for the reset");
        Assert.Equal(0, await host.Redis.Database.ListLengthAsync(host.Redis.Prefix + "submitter:held:unanswered"));
        Assert.Equal(0u, await host.Broker.CountAsync(BrokerProbe.DeliverBatchQueue));
    }
}
