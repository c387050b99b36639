using ClayBus.Testing;

namespace ClayBus.Submitter.Tests.Hosting;

public class StartupSpecs(InfrastructureFixture infrastructure) : HostStartupSpecs<Program>(infrastructure);
