using ClayBus.ServiceDefaults.Configuration;

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
