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

    private sealed class TablesValidator : IValidateOptions<TablesOptions>
    {
        public ValidateOptionsResult Validate(string? name, TablesOptions options)
        {
            var failures = new List<string>();
            foreach (var (table, settings) in options.Tables)
            {
                for (var i = 0; i < settings.Webhooks.Count; i++)
                {
                    var context = new System.ComponentModel.DataAnnotations.ValidationContext(settings.Webhooks[i]);
                    failures.AddRange(settings.Webhooks[i].Validate(context).Select(r => $"Tables:{table}:Webhooks:{i}:Url: {r.ErrorMessage}"));
                }

                // A table the Enricher delivers to reserves from its price list; one without webhooks is not ours.
                if (settings.Webhooks.Count > 0)
                {
                    failures.AddRange(Credits.PriceLists.Validate(table, settings.Prices));
                }
            }

            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        }
    }
}
