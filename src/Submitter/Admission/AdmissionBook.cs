using ClayBus.Contracts.Delivery;
using ClayBus.Contracts.Submission;

namespace ClayBus.Submitter.Admission;

/// <summary>What to do with batches now: publish them, hold them for the budget reset, or drop them (job rejected).</summary>
public sealed record AdmissionStep(IReadOnlyList<DeliverBatch> Publish, IReadOnlyList<DeliverBatch> Hold, IReadOnlyList<DeliverBatch> Drop)
{
    public static readonly AdmissionStep None = new([], [], []);
}

/// <summary>
/// Admits a job's batches, as they are built, against the budget remaining at the job's start. Pure: the pipeline
/// does what each step says. Batches keep their order: once one does not fit, none after it goes out today.
/// </summary>
public sealed class AdmissionBook(AdmissionPolicy policy, decimal remaining, int maxBuffered)
{
    private readonly List<DeliverBatch> _buffer = [];
    private decimal _committed;
    private bool _exceeded;
    private bool _published;
    private bool _held;
    private bool _dropped;

    public decimal Remaining => remaining;

    public AdmissionDecision Decision =>
        _dropped ? AdmissionDecision.Rejected
        : _held && _published ? AdmissionDecision.Split
        : _held ? AdmissionDecision.Held
        : AdmissionDecision.Admitted;

    public AdmissionStep Offer(DeliverBatch batch)
    {
        var fits = !_exceeded && _committed + batch.EstimatedCredits <= remaining;
        if (fits)
        {
            _committed += batch.EstimatedCredits;
            if (policy == AdmissionPolicy.Split)
            {
                return Publish([batch]);
            }

            _buffer.Add(batch);
            return _buffer.Count >= maxBuffered ? Publish(TakeBuffer()) : AdmissionStep.None;
        }

        List<DeliverBatch> affected = _exceeded ? [batch] : [.. TakeBuffer(), batch];
        _exceeded = true;
        if (policy == AdmissionPolicy.Reject)
        {
            _dropped = true;
            return new AdmissionStep([], [], affected);
        }

        _held = true;
        return new AdmissionStep([], affected, []);
    }

    /// <summary>The input ended: what is still buffered fits, so it goes out.</summary>
    public AdmissionStep Finish() => _buffer.Count == 0 ? AdmissionStep.None : Publish(TakeBuffer());

    private AdmissionStep Publish(IReadOnlyList<DeliverBatch> batches)
    {
        _published = true;
        return new AdmissionStep(batches, [], []);
    }

    private List<DeliverBatch> TakeBuffer()
    {
        var taken = _buffer.ToList();
        _buffer.Clear();
        return taken;
    }
}
