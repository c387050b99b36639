using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ClayBus.ServiceDefaults.Configuration;

public static class ValidatedOptions
{
    /// <summary>
    /// Binds <typeparamref name="TOptions"/> to a configuration section and validates its data annotations when the
    /// host starts, so that a bad setting stops the process with a message naming the full key (e.g. <c>RabbitMq:Port</c>).
    /// </summary>
    public static OptionsBuilder<TOptions> AddValidatedOptions<TOptions>(this IServiceCollection services, string section)
        where TOptions : class
    {
        services.AddSingleton<IValidateOptions<TOptions>>(new SectionAnnotationsValidator<TOptions>(section));
        return services.AddOptions<TOptions>().BindConfiguration(section).ValidateOnStart();
    }
}

/// <summary>Validates data annotations, recursing into nested option objects, and names each failure by its configuration key.</summary>
internal sealed class SectionAnnotationsValidator<TOptions>(string section) : IValidateOptions<TOptions>
    where TOptions : class
{
    public ValidateOptionsResult Validate(string? name, TOptions options)
    {
        var failures = new List<string>();
        Collect(options, section, failures);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Collect(object instance, string path, List<string> failures)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(instance, new ValidationContext(instance), results, validateAllProperties: true);
        foreach (var result in results)
        {
            var members = result.MemberNames.Any() ? result.MemberNames : [""];
            foreach (var member in members)
            {
                var key = member.Length == 0 ? path : $"{path}:{member}";
                failures.Add($"{key}: {result.ErrorMessage}");
            }
        }

        foreach (var property in instance.GetType().GetProperties())
        {
            if (property.GetIndexParameters().Length > 0 || !property.PropertyType.IsClass || property.PropertyType == typeof(string))
            {
                continue;
            }

            var value = property.GetValue(instance);
            if (value is System.Collections.IEnumerable items)
            {
                var index = 0;
                foreach (var item in items)
                {
                    if (item is not null && item.GetType().IsClass && item is not string)
                    {
                        Collect(item, $"{path}:{property.Name}:{index}", failures);
                    }

                    index++;
                }
            }
            else if (value is not null && property.PropertyType.Namespace?.StartsWith("ClayBus", StringComparison.Ordinal) == true)
            {
                Collect(value, $"{path}:{property.Name}", failures);
            }
        }
    }
}
