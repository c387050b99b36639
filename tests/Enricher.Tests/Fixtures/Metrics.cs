using System.Diagnostics.Metrics;
using ClayBus.Enricher.Delivery;

namespace ClayBus.Enricher.Tests.Fixtures;

public static class Metrics
{
    public static DeliveryMetrics Create() => new(new TestMeterFactory());

    private sealed class TestMeterFactory : IMeterFactory
    {
        private readonly List<Meter> _meters = [];

        public Meter Create(MeterOptions options)
        {
            var meter = new Meter(options);
            _meters.Add(meter);
            return meter;
        }

        public void Dispose() => _meters.ForEach(meter => meter.Dispose());
    }
}
