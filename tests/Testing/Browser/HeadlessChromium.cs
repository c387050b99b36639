using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace ClayBus.Testing.Browser;

/// <summary>
/// Debian's chromium driven over the Chrome DevTools Protocol: navigate, run script in the page, type, take a
/// screenshot. Playwright's browser download fails on these machines; the protocol needs only a WebSocket.
/// </summary>
public sealed partial class HeadlessChromium : IAsyncDisposable
{
    public const string Executable = "/usr/bin/chromium";

    private readonly Process _process;
    private readonly DirectoryInfo _profile;
    private readonly ClientWebSocket _socket = new();
    private readonly ConcurrentDictionary<int, TaskCompletionSource<JsonElement>> _pending = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly SemaphoreSlim _sending = new(1, 1);
    private Task _reader = Task.CompletedTask;
    private int _nextId;

    private HeadlessChromium(Process process, DirectoryInfo profile)
    {
        _process = process;
        _profile = profile;
    }

    /// <summary>Starts chromium on a blank page in a fresh profile and attaches to that page.</summary>
    public static async Task<HeadlessChromium> StartAsync(int width = 1280, int height = 1400)
    {
        if (!File.Exists(Executable))
        {
            throw new InvalidOperationException(Executable + " is missing: run scripts/prerequisites.sh (Debian's chromium package)");
        }

        var profile = Directory.CreateTempSubdirectory("claybus-chromium-");
        var info = new ProcessStartInfo(Executable) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in new[]
        {
            "--headless", "--remote-debugging-port=0", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--user-data-dir=" + profile.FullName, $"--window-size={width},{height}", "about:blank",
        })
        {
            info.ArgumentList.Add(argument);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start " + Executable);
        var browser = new HeadlessChromium(process, profile);
        try
        {
            await browser.AttachAsync();
            return browser;
        }
        catch
        {
            await browser.DisposeAsync();
            throw;
        }
    }

    public async Task NavigateAsync(Uri url)
    {
        await SendAsync("Page.navigate", new JsonObject { ["url"] = url.ToString() });
        await WaitForAsync("document.readyState === 'complete' && location.href !== 'about:blank'", TimeSpan.FromSeconds(30), "the page to load");
    }

    /// <summary>Runs <paramref name="expression"/> in the page (promises awaited) and returns its value.</summary>
    public async Task<JsonElement> EvaluateAsync(string expression)
    {
        var result = await SendAsync("Runtime.evaluate", new JsonObject
        {
            ["expression"] = expression,
            ["returnByValue"] = true,
            ["awaitPromise"] = true,
        });
        if (result.TryGetProperty("exceptionDetails", out var exception))
        {
            throw new InvalidOperationException($"script failed: {expression}{Environment.NewLine}{exception}");
        }

        return result.GetProperty("result").TryGetProperty("value", out var value) ? value.Clone() : default;
    }

    /// <summary>Waits until <paramref name="expression"/> is truthy in the page.</summary>
    public Task WaitForAsync(string expression, TimeSpan deadline, string what) =>
        Eventually.Until(
            async () => (await EvaluateAsync($"!!({expression})")).ValueKind == JsonValueKind.True,
            deadline,
            what,
            TimeSpan.FromMilliseconds(200));

    /// <summary>Types <paramref name="text"/> into the element <paramref name="selector"/> as keyboard input.</summary>
    public async Task TypeAsync(string selector, string text)
    {
        await EvaluateAsync($"document.querySelector({JsonSerializer.Serialize(selector)}).focus()");
        await SendAsync("Input.insertText", new JsonObject { ["text"] = text });
    }

    public async Task ClickAsync(string selector) =>
        await EvaluateAsync($"document.querySelector({JsonSerializer.Serialize(selector)}).click()");

    /// <summary>A PNG of the whole page, written to <paramref name="path"/>.</summary>
    public async Task ScreenshotAsync(string path)
    {
        var shot = await SendAsync("Page.captureScreenshot", new JsonObject { ["format"] = "png", ["captureBeyondViewport"] = true });
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        await File.WriteAllBytesAsync(path, Convert.FromBase64String(shot.GetProperty("data").GetString()!));
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _socket.Abort();
        _socket.Dispose();
        await _reader.ContinueWith(_ => { }, TaskScheduler.Default);
        try
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        catch (InvalidOperationException)
        {
            // It had already exited.
        }

        _process.Dispose();
        _stopping.Dispose();
        _sending.Dispose();
        try
        {
            _profile.Delete(recursive: true);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // A child process may still hold a file for a moment; the temp folder is cleaned by the OS.
        }
    }

    /// <summary>Reads the DevTools address chromium prints on stderr, then opens the blank page's socket.</summary>
    private async Task AttachAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        Uri? browser = null;
        while (browser is null)
        {
            var line = await _process.StandardError.ReadLineAsync(timeout.Token)
                ?? throw new InvalidOperationException($"chromium exited before it listened (exit {(_process.HasExited ? _process.ExitCode : -1)})");
            if (DevToolsLine().Match(line) is { Success: true } match)
            {
                browser = new Uri(match.Groups[1].Value);
            }
        }

        // Keep draining both streams so chromium never blocks on a full pipe.
        _ = _process.StandardError.ReadToEndAsync(CancellationToken.None);
        _ = _process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        using var http = new HttpClient { BaseAddress = new Uri($"http://{browser.Authority}/") };
        var targets = await Eventually.Value(
            () => http.GetFromJsonAsync<JsonElement>("json/list", timeout.Token),
            list => list.EnumerateArray().Any(t => t.GetProperty("type").GetString() == "page"),
            TimeSpan.FromSeconds(30),
            "chromium's blank page");
        var page = targets.EnumerateArray().First(t => t.GetProperty("type").GetString() == "page");
        await _socket.ConnectAsync(new Uri(page.GetProperty("webSocketDebuggerUrl").GetString()!), timeout.Token);
        _reader = ReadAsync(_stopping.Token);
        await SendAsync("Page.enable", new JsonObject());
        await SendAsync("Runtime.enable", new JsonObject());
    }

    private async Task<JsonElement> SendAsync(string method, JsonObject parameters)
    {
        var id = Interlocked.Increment(ref _nextId);
        var answer = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = answer;
        var request = new JsonObject { ["id"] = id, ["method"] = method, ["params"] = parameters };
        await _sending.WaitAsync(_stopping.Token);
        try
        {
            // A WebSocket takes one send at a time.
            await _socket.SendAsync(new ArraySegment<byte>(Encoding.UTF8.GetBytes(request.ToJsonString())), WebSocketMessageType.Text, true, _stopping.Token);
        }
        finally
        {
            _sending.Release();
        }

        var reply = await answer.Task.WaitAsync(TimeSpan.FromSeconds(60));
        return reply.TryGetProperty("error", out var error)
            ? throw new InvalidOperationException($"{method} failed: {error}")
            : reply.GetProperty("result");
    }

    /// <summary>Matches replies to requests by id; events (no id) are not needed and are dropped.</summary>
    private async Task ReadAsync(CancellationToken stopping)
    {
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        while (!stopping.IsCancellationRequested && _socket.State == WebSocketState.Open)
        {
            var received = await _socket.ReceiveAsync(new ArraySegment<byte>(buffer), stopping);
            if (received.MessageType == WebSocketMessageType.Close)
            {
                break;
            }

            message.Write(buffer, 0, received.Count);
            if (!received.EndOfMessage)
            {
                continue;
            }

            using var document = JsonDocument.Parse(message.ToArray());
            message.SetLength(0);
            if (document.RootElement.TryGetProperty("id", out var id) && _pending.TryRemove(id.GetInt32(), out var answer))
            {
                answer.TrySetResult(document.RootElement.Clone());
            }
        }

        foreach (var answer in _pending.Values)
        {
            answer.TrySetException(new InvalidOperationException("the DevTools connection closed"));
        }
    }

    [GeneratedRegex(@"DevTools listening on (ws://\S+)")]
    private static partial Regex DevToolsLine();
}
