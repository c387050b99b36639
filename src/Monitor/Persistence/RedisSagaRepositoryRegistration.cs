using MassTransit;
using MassTransit.Configuration;
using MassTransit.Saga;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ClayBus.Monitor.Persistence;

public static class RedisSagaRepositoryRegistration
{
    /// <summary>
    /// Stores the saga in the process's Redis (<c>RedisKeyspace</c>), shaped like MassTransit.Redis's
    /// <c>.RedisRepository(r => …)</c> so that package can replace this one in one line when it is available.
    /// Also registers <see cref="ILoadSagaRepository{TSaga}"/> for reading instances by id.
    /// </summary>
    public static ISagaRegistrationConfigurator<TSaga> RedisRepository<TSaga>(
        this ISagaRegistrationConfigurator<TSaga> configurator,
        Action<IServiceProvider, RedisSagaRepositoryOptions<TSaga>>? configure = null)
        where TSaga : class, ISagaVersion
    {
        configurator.Repository(repository =>
        {
            repository.TryAddSingleton(provider =>
            {
                var options = new RedisSagaRepositoryOptions<TSaga>();
                configure?.Invoke(provider, options);
                return options;
            });
            repository.TryAddSingleton<RedisSagaStore<TSaga>>();
            repository.RegisterSagaRepository<TSaga, RedisSagaStore<TSaga>,
                SagaConsumeContextFactory<RedisSagaStore<TSaga>, TSaga>, RedisSagaRepositoryContextFactory<TSaga>>();
            repository.RegisterLoadSagaRepository<TSaga, RedisSagaRepositoryContextFactory<TSaga>>();
        });
        return configurator;
    }
}
