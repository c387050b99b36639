using ClayBus.Testing;

namespace ClayBus.Monitor.Tests.Hosting;

public class StartupSpecs(InfrastructureFixture infrastructure) : HostStartupSpecs<Program>(infrastructure);
