namespace ClayBus.Monitor.Persistence;

/// <summary>
/// A saga whose idempotency marks (e.g. "this batch was counted") live beside it in one Redis hash instead of inside
/// it, so the instance stays the same size however many messages it has seen. The store loads only the marks the
/// current message names (<see cref="RedisSagaRepositoryOptions{TSaga}.MarksFor"/>) and writes new ones in the same
/// atomic step as the instance, so a lost version race loses the marks with the figures.
/// </summary>
public interface ISagaMarks
{
    /// <summary>Marks to write with the instance (field → value); emptied by <see cref="MarksWritten"/>.</summary>
    IReadOnlyDictionary<string, string> PendingMarks { get; }

    /// <summary>The stored marks of the fields the message names (absent fields are not in the dictionary).</summary>
    void MarksLoaded(IReadOnlyDictionary<string, string> marks);

    void MarksWritten();
}
