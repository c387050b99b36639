using ClayBus.Contracts.Tracking;
using MassTransit;

namespace ClayBus.Submitter.Routing;

/// <summary>Provider health moved a table to a variant (or back): new batches follow from the next job on.</summary>
public sealed class TableRouteChangedConsumer(TableReroutes reroutes, TableRouter router, ILogger<TableRouteChangedConsumer> logger)
    : IConsumer<TableRouteChanged>
{
    public async Task Consume(ConsumeContext<TableRouteChanged> context)
    {
        var message = context.Message;
        var reason = message.Reason;
        if (router.Find(message.TableKey) is not { } table)
        {
            var unknown = message.TableKey;
            logger.LogWarning("Route change for unknown table {TableKey} ignored: add it under Tables", unknown);
            return;
        }

        if (message.RouteToTableKey is null)
        {
            if (!await reroutes.ClearAsync(table, message.Version))
            {
                LogNotNewer(message);
                return;
            }

            if (logger.IsEnabled(LogLevel.Information))
            {
                logger.LogInformation("Table {TableKey} routed normally again: {Reason}", table, reason);
            }
            return;
        }

        if (router.Find(message.RouteToTableKey) is not { } variant)
        {
            var unknown = message.RouteToTableKey;
            logger.LogWarning("Route change of {TableKey} to unknown table {Variant} ignored: add it under Tables", table, unknown);
            return;
        }

        var probe = Math.Clamp(message.ProbeShare, 0, 1);
        if (!await reroutes.SetAsync(new TableReroute(table, variant, probe, message.Reason, message.At), message.Version))
        {
            LogNotNewer(message);
            return;
        }

        if (logger.IsEnabled(LogLevel.Information))
        {
            logger.LogInformation("Table {TableKey} now routed to {Variant} with probe share {ProbeShare}: {Reason}", table, variant, probe, reason);
        }
    }

    // Debug: the Monitor re-announces every route on a period, and a late change is expected after a quick flip.
    private void LogNotNewer(TableRouteChanged message)
    {
        if (logger.IsEnabled(LogLevel.Debug))
        {
            logger.LogDebug(
                "Route change {Version} of {TableKey} ignored: a change at least as new was applied",
                message.Version, message.TableKey);
        }
    }
}
