using ClayBus.Contracts.Delivery;
using ClayBus.Contracts.Submission;

namespace ClayBus.Submitter.Admission;

/// <summary>
/// What to do with batches now: publish them, hold them for the budget reset, drop them (job rejected), or stage them
/// (put aside until the job is known to fit). <see cref="Staged"/> says what becomes of the batches staged so far; it
/// is applied first, so batches keep their order.
/// </summary>
public sealed record AdmissionStep(IReadOnlyList<DeliverBatch> Publish, IReadOnlyList<DeliverBatch> Hold, IReadOnlyList<DeliverBatch> Drop)
{
    public static readonly AdmissionStep None = new([], [], []);

    public IReadOnlyList<DeliverBatch> Stage { get; init; } = [];

    public StagedFate Staged { get; init; } = StagedFate.Wait;
}

/// <summary>What becomes of a job's staged batches.</summary>
public enum StagedFate
{
    Wait,
    Publish,
    Hold,
    Drop,
}

/// <summary>
/// Admits a job's batches, as they are built, against the budget remaining at the job's start. Pure: the pipeline
/// does what each step says. Batches keep their order: once one does not fit, none after it goes out today. Under
/// <c>reject</c> and <c>hold</c> nothing goes out before the whole job is known to fit: past
/// <c>maxBuffered</c> batches in memory, the buffer is staged (in Redis) and decided with the rest.
/// </summary>
public sealed class AdmissionBook(AdmissionPolicy policy, decimal remaining, int maxBuffered)
{
    private readonly List<DeliverBatch> _buffer = [];
    private decimal _committed;
    private bool _exceeded;
    private bool _published;
    private bool _held;
    private bool _dropped;
    private bool _staged;

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
            if (_buffer.Count < maxBuffered)
            {
                return AdmissionStep.None;
            }

            _staged = true;
            return AdmissionStep.None with { Stage = TakeBuffer() };
        }

        var first = !_exceeded;
        List<DeliverBatch> affected = first ? [.. TakeBuffer(), batch] : [batch];
        _exceeded = true;
        var staged = first && _staged ? (policy == AdmissionPolicy.Reject ? StagedFate.Drop : StagedFate.Hold) : StagedFate.Wait;
        if (policy == AdmissionPolicy.Reject)
        {
            _dropped = true;
            return new AdmissionStep([], [], affected) { Staged = staged };
        }

        _held = true;
        return new AdmissionStep([], affected, []) { Staged = staged };
    }

    /// <summary>The input ended: what is still buffered or staged fits, so it goes out.</summary>
    public AdmissionStep Finish()
    {
        if (_exceeded || (_buffer.Count == 0 && !_staged))
        {
            return AdmissionStep.None;
        }

        var step = Publish(TakeBuffer()) with { Staged = _staged ? StagedFate.Publish : StagedFate.Wait };
        _staged = false;
        return step;
    }

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
