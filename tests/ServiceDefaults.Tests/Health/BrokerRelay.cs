using System.Net;
using System.Net.Sockets;

namespace ClayBus.ServiceDefaults.Tests.Health;

/// <summary>
/// A loopback TCP relay to the test broker that a test can cut (its port closed, every connection through it dropped)
/// and restore on the same port: a broker outage as one host sees it, without stopping the broker other tests share.
/// </summary>
internal sealed class BrokerRelay : IDisposable
{
    private readonly string _targetHost;
    private readonly int _targetPort;
    private readonly List<TcpClient> _connections = [];
    private readonly Lock _gate = new();
    private TcpListener? _listener;
    private CancellationTokenSource _cut = new();

    public BrokerRelay(string targetHost, int targetPort)
    {
        _targetHost = targetHost;
        _targetPort = targetPort;
        Listen(0);
    }

    public int Port { get; private set; }

    /// <summary>Closes the port and every connection: the host's next connect is refused, as by a port nothing listens on.</summary>
    public void Cut()
    {
        _cut.Cancel();
        _listener?.Stop();
        _listener = null;
        lock (_gate)
        {
            foreach (var connection in _connections)
            {
                connection.Dispose();
            }

            _connections.Clear();
        }
    }

    public void Restore()
    {
        _cut.Dispose();
        _cut = new CancellationTokenSource();
        Listen(Port);
    }

    public void Dispose()
    {
        Cut();
        _cut.Dispose();
    }

    private void Listen(int port)
    {
        var listener = new TcpListener(IPAddress.Loopback, port);
        listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        listener.Start();
        Port = ((IPEndPoint)listener.LocalEndpoint).Port;
        _listener = listener;
        _ = AcceptAsync(listener, _cut.Token);
    }

    private async Task AcceptAsync(TcpListener listener, CancellationToken cut)
    {
        while (!cut.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(cut);
            }
            catch (Exception exception) when (exception is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            var broker = new TcpClient();
            try
            {
                await broker.ConnectAsync(_targetHost, _targetPort, cut);
            }
            catch (Exception exception) when (exception is OperationCanceledException or SocketException)
            {
                client.Dispose();
                broker.Dispose();
                continue;
            }

            lock (_gate)
            {
                _connections.Add(client);
                _connections.Add(broker);
            }

            _ = PumpAsync(client, broker, cut);
        }
    }

    private static async Task PumpAsync(TcpClient client, TcpClient broker, CancellationToken cut)
    {
        try
        {
            await Task.WhenAny(
                client.GetStream().CopyToAsync(broker.GetStream(), cut),
                broker.GetStream().CopyToAsync(client.GetStream(), cut));
        }
        catch (Exception exception) when (exception is OperationCanceledException or IOException or ObjectDisposedException)
        {
            // Cut: the other side sees its connection closed, which is the point.
        }
        finally
        {
            client.Dispose();
            broker.Dispose();
        }
    }
}
