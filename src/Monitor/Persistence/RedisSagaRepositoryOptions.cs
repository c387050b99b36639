using MassTransit;

namespace ClayBus.Monitor.Persistence;

/// <summary>How one saga type is stored: key prefix (inside the process's Redis prefix) and how long instances stay.</summary>
public sealed class RedisSagaRepositoryOptions<TSaga>
    where TSaga : class, ISagaVersion
{
    /// <summary>Prefixed again by <c>Redis:KeyPrefix</c>; one prefix per saga type keeps types apart.</summary>
    public string KeyPrefix { get; set; } = "saga:" + typeof(TSaga).Name.ToLowerInvariant() + ":";

    /// <summary>Finished instances expire this long after their last write.</summary>
    public TimeSpan? FinishedExpiry { get; set; }

    /// <summary>Unfinished instances (e.g. a stuck job) expire this long after their last write; null: never.</summary>
    public TimeSpan? OpenExpiry { get; set; }

    /// <summary>Tells finished instances apart (e.g. a job in a final state); none are finished by default.</summary>
    public Func<TSaga, bool> IsFinished { get; set; } = _ => false;

    /// <summary>The mark fields a message needs loaded, for sagas that are <see cref="ISagaMarks"/>.</summary>
    public Func<object, IReadOnlyList<string>> MarksFor { get; set; } = _ => [];

    public string KeyFor(Guid correlationId) => KeyPrefix + correlationId.ToString("N");

    /// <summary>The instance's marks hash: same lifetime as the instance (written, expired and deleted with it).</summary>
    public string MarksKeyFor(Guid correlationId) => KeyFor(correlationId) + ":marks";
}
