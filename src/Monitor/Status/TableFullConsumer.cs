using ClayBus.Contracts.Delivery;
using ClayBus.Monitor.Jobs;
using ClayBus.ServiceDefaults.Messaging;
using MassTransit;

namespace ClayBus.Monitor.Status;

/// <summary>Records a full table as evidence for stuck jobs' likely cause, and raises the alert in the log.</summary>
public sealed partial class TableFullConsumer(TableBlockStore blocks, ILogger<TableFullConsumer> logger) : IConsumer<TableFull>
{
    public async Task Consume(ConsumeContext<TableFull> context)
    {
        var message = context.Message;
        await blocks.RecordAsync(new TableBlock(
            message.TableKey,
            TableBlockKind.TableFull,
            message.At,
            $"{message.RowsSent} rows sent of {message.MaxRows}"));
        LogTableFull(message.TableKey, message.RowsSent, message.MaxRows, message.Fix);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Table {TableKey} is full ({RowsSent} of {MaxRows} rows): its batches wait. {Fix}")]
    private partial void LogTableFull(string tableKey, long rowsSent, long maxRows, string fix);
}

public sealed class TableFullConsumerDefinition : ConsumerDefinition<TableFullConsumer>
{
    public TableFullConsumerDefinition()
    {
        EndpointName = StatusSetup.WebhookEndpointName;
    }

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<TableFullConsumer> consumerConfigurator, IRegistrationContext context) =>
        endpointConfigurator.UseMessageRetry(retry =>
        {
            retry.IgnoreRedisOutages();
            retry.Intervals(100, 500, 1000);
        });
}
