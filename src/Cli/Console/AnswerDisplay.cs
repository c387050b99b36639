using System.Text.Json;
using Spectre.Console;

namespace ClayBus.Cli.Console;

/// <summary>
/// Prints a service's JSON answer to an operator action as "name: value" lines. Generic on purpose: the action's
/// figures (messages moved, job state) are shown as the service reports them, whatever fields it adds later.
/// </summary>
internal static class AnswerDisplay
{
    public static void Print(JsonElement answer, IAnsiConsole console)
    {
        if (answer.ValueKind != JsonValueKind.Object)
        {
            console.WriteLine(answer.ToString());
            return;
        }

        var grid = new Grid().AddColumn(new GridColumn().NoWrap()).AddColumn();
        foreach (var property in answer.EnumerateObject())
        {
            grid.AddRow(Markup.Escape(property.Name), Markup.Escape(Text(property.Value)));
        }

        console.Write(grid);
    }

    public static long? Number(JsonElement answer, params string[] names) =>
        answer.ValueKind != JsonValueKind.Object ? null
        : answer.EnumerateObject()
            .Where(property => names.Contains(property.Name, StringComparer.OrdinalIgnoreCase) && property.Value.ValueKind == JsonValueKind.Number)
            .Select(property => (long?)property.Value.GetInt64())
            .FirstOrDefault();

    private static string Text(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString() ?? "",
        JsonValueKind.Null => "–",
        _ => value.GetRawText(),
    };
}
