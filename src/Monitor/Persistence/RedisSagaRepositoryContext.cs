using MassTransit;
using MassTransit.Context;
using MassTransit.Middleware;
using MassTransit.Saga;

namespace ClayBus.Monitor.Persistence;

/// <summary>The repository as MassTransit's saga pipeline sees it for one message (call order in masstransit-notes.md).</summary>
public sealed class RedisSagaRepositoryContext<TSaga, TMessage> : ConsumeContextScope<TMessage>, SagaRepositoryContext<TSaga, TMessage>
    where TSaga : class, ISagaVersion
    where TMessage : class
{
    private readonly RedisSagaStore<TSaga> _store;
    private readonly ConsumeContext<TMessage> _context;
    private readonly ISagaConsumeContextFactory<RedisSagaStore<TSaga>, TSaga> _factory;

    public RedisSagaRepositoryContext(
        RedisSagaStore<TSaga> store,
        ConsumeContext<TMessage> context,
        ISagaConsumeContextFactory<RedisSagaStore<TSaga>, TSaga> factory)
        : base(context)
    {
        _store = store;
        _context = context;
        _factory = factory;
    }

    public Task<SagaConsumeContext<TSaga, TMessage>> Add(TSaga instance) =>
        _factory.CreateSagaConsumeContext(_store, _context, instance, SagaConsumeContextMode.Add);

    public async Task<SagaConsumeContext<TSaga, TMessage>> Insert(TSaga instance)
    {
        await _store.Insert(instance);
        return await _factory.CreateSagaConsumeContext(_store, _context, instance, SagaConsumeContextMode.Insert);
    }

    public async Task<SagaConsumeContext<TSaga, TMessage>> Load(Guid correlationId)
    {
        var instance = await _store.Load(correlationId, _context.Message);
        return instance is null ? null! : await _factory.CreateSagaConsumeContext(_store, _context, instance, SagaConsumeContextMode.Load);
    }

    public Task Save(SagaConsumeContext<TSaga> context) => _store.Insert(context.Saga);

    public Task Update(SagaConsumeContext<TSaga> context) => _store.Update(context.Saga);

    public Task Delete(SagaConsumeContext<TSaga> context) => _store.Delete(context.Saga.CorrelationId);

    // Nothing was written before Save/Update, so there is nothing to roll back.
    public Task Discard(SagaConsumeContext<TSaga> context) => Task.CompletedTask;

    public Task Undo(SagaConsumeContext<TSaga> context) => Task.CompletedTask;

    public Task<SagaConsumeContext<TSaga, T>> CreateSagaConsumeContext<T>(ConsumeContext<T> consumeContext, TSaga instance, SagaConsumeContextMode mode)
        where T : class =>
        _factory.CreateSagaConsumeContext(_store, consumeContext, instance, mode);
}

/// <summary>Reading by id outside a message (the status API's <see cref="ILoadSagaRepository{TSaga}"/>).</summary>
public sealed class RedisLoadSagaRepositoryContext<TSaga>(RedisSagaStore<TSaga> store, CancellationToken cancellationToken)
    : BasePipeContext(cancellationToken), LoadSagaRepositoryContext<TSaga>
    where TSaga : class, ISagaVersion
{
    public Task<TSaga> Load(Guid correlationId) => store.Load(correlationId)!;
}
