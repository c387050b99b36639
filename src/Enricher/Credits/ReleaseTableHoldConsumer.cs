using ClayBus.Contracts.Credits;
using MassTransit;

namespace ClayBus.Enricher.Credits;

/// <summary>
/// An operator lets a held table deliver again: the hold is deleted for every instance. Its price list is not
/// changed, so the next charge above it holds the table again; the lasting fix stays <c>Tables:&lt;key&gt;:Prices</c>.
/// </summary>
public sealed class ReleaseTableHoldConsumer(TableHolds holds, ILogger<ReleaseTableHoldConsumer> logger) : IConsumer<ReleaseTableHold>
{
    public async Task Consume(ConsumeContext<ReleaseTableHold> context)
    {
        var release = context.Message;
        var wasHeld = (await holds.HeldTablesAsync()).Contains(release.TableKey, StringComparer.Ordinal);
        await holds.ClearAsync(release.TableKey);
        logger.HoldReleased(release.TableKey, release.RequestedBy, wasHeld);
    }
}
