using ClayBus.Testing;

namespace ClayBus.Monitor.Tests.Hosting;

[Trait("Category", "Integration")]
public class StartupSpecs(InfrastructureFixture infrastructure) : HostStartupSpecs<Program>(infrastructure);
