using Microsoft.Extensions.Options;

namespace ClayBus.Enricher.Tests.Fixtures;

/// <summary>Options that a test changes at run time, as a configuration reload would.</summary>
public sealed class TestOptionsMonitor<T>(T value) : IOptionsMonitor<T>, IOptions<T>
    where T : class
{
    private readonly List<Action<T, string?>> _listeners = [];

    public T CurrentValue { get; private set; } = value;

    public T Value => CurrentValue;

    public T Get(string? name) => CurrentValue;

    public void Set(T next)
    {
        CurrentValue = next;
        foreach (var listener in _listeners.ToList())
        {
            listener(next, null);
        }
    }

    public IDisposable OnChange(Action<T, string?> listener)
    {
        _listeners.Add(listener);
        return new Unsubscribe(() => _listeners.Remove(listener));
    }

    private sealed class Unsubscribe(Action action) : IDisposable
    {
        public void Dispose() => action();
    }
}
