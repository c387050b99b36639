using ClayBus.ServiceDefaults.Configuration;
using Microsoft.Extensions.Options;

namespace ClayBus.Enricher.Webhooks;

public static class WebhooksSetup
{
    /// <summary>The <c>Tables</c> section (re-read on change: a new webhook is used without a restart) and <c>Webhooks</c> thresholds.</summary>
    public static IHostApplicationBuilder AddWebhookPool(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<TablesOptions>().Bind(builder.Configuration).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<TablesOptions>, TablesValidator>();
        builder.Services.AddValidatedOptions<WebhookPoolOptions>(WebhookPoolOptions.Section)
            .Validate(o => o.WarnAt <= o.RotateAt && o.RotateAt <= o.HardCap, "Webhooks: WarnAt ≤ RotateAt ≤ HardCap must hold (e.g. 40000, 45000, 50000)");
        builder.Services.AddSingleton<WebhookPool>();
        return builder;
    }

    /// <summary>
    /// Bad table settings stop the host at start. After start a reload is judged per table (<see cref="TableGate"/>):
    /// failing here would make every read of the section throw, and every table's batches with it.
    /// </summary>
    private sealed class TablesValidator(IHostApplicationLifetime lifetime) : IValidateOptions<TablesOptions>
    {
        public ValidateOptionsResult Validate(string? name, TablesOptions options)
        {
            if (lifetime.ApplicationStarted.IsCancellationRequested)
            {
                return ValidateOptionsResult.Success;
            }

            // A table the Enricher delivers to reserves from its price list (checked again before each batch, as a
            // reload may change it); one without webhooks is not ours.
            var failures = options.Tables
                .SelectMany(table => TableLimits.Errors(table.Key, table.Value)
                    .Concat(table.Value.Webhooks.Count > 0 ? Credits.PriceLists.Validate(table.Key, table.Value.Prices) : []))
                .ToList();
            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        }
    }
}
