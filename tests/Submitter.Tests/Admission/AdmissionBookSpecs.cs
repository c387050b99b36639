using ClayBus.Contracts.Delivery;
using ClayBus.Contracts.Submission;
using ClayBus.Submitter.Admission;

namespace ClayBus.Submitter.Tests.Admission;

public class AdmissionBookSpecs
{
    [Theory]
    [InlineData(AdmissionPolicy.Split, 1500, 5, 0, 0, AdmissionDecision.Admitted)]
    [InlineData(AdmissionPolicy.Hold, 1500, 5, 0, 0, AdmissionDecision.Admitted)]
    [InlineData(AdmissionPolicy.Reject, 1500, 5, 0, 0, AdmissionDecision.Admitted)]
    [InlineData(AdmissionPolicy.Split, 700, 2, 3, 0, AdmissionDecision.Split)]
    [InlineData(AdmissionPolicy.Split, 0, 0, 5, 0, AdmissionDecision.Held)]
    [InlineData(AdmissionPolicy.Hold, 700, 0, 5, 0, AdmissionDecision.Held)]
    [InlineData(AdmissionPolicy.Reject, 700, 0, 0, 5, AdmissionDecision.Rejected)]
    public void Should_admit_by_policy(AdmissionPolicy policy, decimal remaining, int published, int held, int dropped, AdmissionDecision decision)
    {
        var book = new AdmissionBook(policy, remaining, maxBuffered: 100);
        var steps = Enumerable.Range(0, 5).Select(_ => book.Offer(Batch(300))).ToList();
        steps.Add(book.Finish());

        Assert.Equal(published, steps.Sum(step => step.Publish.Count));
        Assert.Equal(held, steps.Sum(step => step.Hold.Count));
        Assert.Equal(dropped, steps.Sum(step => step.Drop.Count));
        Assert.Equal(decision, book.Decision);
    }

    [Fact]
    public void Should_keep_order_once_a_batch_does_not_fit()
    {
        var book = new AdmissionBook(AdmissionPolicy.Split, 500, maxBuffered: 100);

        Assert.Single(book.Offer(Batch(300)).Publish);
        Assert.Single(book.Offer(Batch(300)).Hold);
        Assert.Single(book.Offer(Batch(100)).Hold);
    }

    [Fact]
    public void Should_stage_a_full_buffer_and_publish_the_staged_batches_first_once_the_whole_job_fits()
    {
        var book = new AdmissionBook(AdmissionPolicy.Hold, 10_000, maxBuffered: 3);

        Assert.Equal(AdmissionStep.None, book.Offer(Batch(10)));
        Assert.Equal(AdmissionStep.None, book.Offer(Batch(10)));
        var full = book.Offer(Batch(10));
        book.Offer(Batch(10));
        var finish = book.Finish();

        Assert.Empty(full.Publish);
        Assert.Equal(3, full.Stage.Count);
        Assert.Equal(StagedFate.Publish, finish.Staged);
        Assert.Single(finish.Publish);
        Assert.Equal(AdmissionDecision.Admitted, book.Decision);
    }

    [Theory]
    [InlineData(AdmissionPolicy.Hold, StagedFate.Hold, AdmissionDecision.Held)]
    [InlineData(AdmissionPolicy.Reject, StagedFate.Drop, AdmissionDecision.Rejected)]
    public void Should_decide_the_staged_batches_with_the_batch_that_does_not_fit(AdmissionPolicy policy, StagedFate fate, AdmissionDecision decision)
    {
        var book = new AdmissionBook(policy, 45, maxBuffered: 2);
        var steps = Enumerable.Range(0, 5).Select(_ => book.Offer(Batch(10))).ToList();
        steps.Add(book.Finish());

        Assert.Equal(4, steps.Sum(step => step.Stage.Count));
        Assert.Equal([fate], steps.Where(step => step.Staged != StagedFate.Wait).Select(step => step.Staged));
        Assert.Equal(0, steps.Sum(step => step.Publish.Count));
        Assert.Equal(1, steps.Sum(step => step.Hold.Count + step.Drop.Count));
        Assert.Equal(decision, book.Decision);
    }

    private static DeliverBatch Batch(decimal credits) =>
        new(Guid.NewGuid(), Guid.NewGuid(), "t", JobPriority.Normal, [], credits, DateTimeOffset.UnixEpoch);
}
