using MassTransit;

namespace ClayBus.Monitor.Persistence;

/// <summary>How one saga type is stored: key prefix (inside the process's Redis prefix) and how long finished instances stay.</summary>
public sealed class RedisSagaRepositoryOptions<TSaga>
    where TSaga : class, ISagaVersion
{
    /// <summary>Prefixed again by <c>Redis:KeyPrefix</c>; one prefix per saga type keeps types apart.</summary>
    public string KeyPrefix { get; set; } = "saga:" + typeof(TSaga).Name.ToLowerInvariant() + ":";

    /// <summary>Finished instances expire after this; unfinished ones never do (a stuck job must stay visible).</summary>
    public TimeSpan? FinishedExpiry { get; set; }

    /// <summary>Tells finished instances apart (e.g. a job in a final state); none are finished by default.</summary>
    public Func<TSaga, bool> IsFinished { get; set; } = _ => false;

    internal string KeyFor(Guid correlationId) => KeyPrefix + correlationId.ToString("N");
}
