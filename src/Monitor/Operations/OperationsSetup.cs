using ClayBus.Monitor.Status;
using ClayBus.ServiceDefaults.Configuration;
using ClayBus.ServiceDefaults.Messaging;
using Microsoft.Extensions.Options;

namespace ClayBus.Monitor.Operations;

/// <summary>Operator actions (role <c>operate</c>) and the audit log every one of them writes to.</summary>
public static class OperationsSetup
{
    public static IHostApplicationBuilder AddOperations(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<OperationsOptions>(OperationsOptions.Section);
        builder.Services.AddSingleton<OperatorAudit>();
        builder.Services.AddSingleton<RequeueBroker>();
        builder.Services.AddSingleton<RequeueRunStore>();
        builder.Services.AddSingleton<RequeueRunner>();
        builder.Services.AddScoped<RequeueRunStart>();
        builder.Services.AddHostedService(provider => provider.GetRequiredService<RequeueRunner>());
        builder.Services.AddHttpClient<DeadLetterMover>((provider, http) => RabbitManagementClient.Configure(
            http,
            provider.GetRequiredService<IOptions<RabbitMqOptions>>().Value,
            provider.GetRequiredService<IOptions<StatusOptions>>().Value));
        return builder;
    }

    public static IEndpointRouteBuilder MapOperations(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapJobCancel();
        endpoints.MapDeadLetterRequeue();
        endpoints.MapRequeueRuns();
        endpoints.MapOperatorAudit();
        return endpoints;
    }
}
