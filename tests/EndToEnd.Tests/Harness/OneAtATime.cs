// Each suite runs five processes on a two-core machine: suites in parallel would measure the machine, not ClayBus.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
