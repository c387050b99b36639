using ClayBus.Testing;

namespace ClayBus.Enricher.Tests.Hosting;

[Trait("Category", "Integration")]
public class StartupSpecs(InfrastructureFixture infrastructure) : HostStartupSpecs<Program>(infrastructure);
