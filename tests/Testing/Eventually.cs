using System.Diagnostics;

namespace ClayBus.Testing;

/// <summary>Waits on a condition with a deadline: the only way tests wait (never a fixed sleep).</summary>
public static class Eventually
{
    public static async Task Until(Func<Task<bool>> condition, TimeSpan deadline, string what, TimeSpan? poll = null)
    {
        var clock = Stopwatch.StartNew();
        var interval = poll ?? TimeSpan.FromMilliseconds(50);
        Exception? last = null;
        while (clock.Elapsed < deadline)
        {
            try
            {
                if (await condition())
                {
                    return;
                }
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                last = exception;
            }

            await Task.Delay(interval);
        }

        throw new TimeoutException($"Waited {deadline.TotalSeconds:F0}s for {what}" + (last is null ? "" : $"; last error: {last.Message}"), last);
    }

    public static Task Until(Func<bool> condition, TimeSpan deadline, string what) =>
        Until(() => Task.FromResult(condition()), deadline, what);

    /// <summary>Polls <paramref name="read"/> until <paramref name="accept"/> holds, and returns the accepted value.</summary>
    public static async Task<T> Value<T>(Func<Task<T>> read, Func<T, bool> accept, TimeSpan deadline, string what)
    {
        var value = default(T)!;
        await Until(async () => accept(value = await read()), deadline, what);
        return value;
    }
}
