using ClayBus.Testing;

namespace ClayBus.Enricher.Tests.Hosting;

public class StartupSpecs(InfrastructureFixture infrastructure) : HostStartupSpecs<Program>(infrastructure);
