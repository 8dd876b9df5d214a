using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace PluginNet.Host.Cli;

/// <summary>
/// A number option of <c>pluginnet run</c> (<c>--timeout</c>, <c>--fps</c>), read the same way on every
/// machine: invariant culture (so <c>1,5</c> is refused, never 15), finite, above 0 and at most a
/// maximum. Anything else is one error line naming the option, the value and what to give instead.
/// </summary>
internal static class NumberOption
{
    private const NumberStyles Styles = NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite
        | NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent;

    /// <summary>An option whose value is a number above 0 and at most <paramref name="maximum"/>.</summary>
    /// <param name="name">The option, e.g. <c>--timeout</c>.</param>
    /// <param name="helpName">The value's name in the usage text, e.g. <c>SECONDS</c>.</param>
    /// <param name="description">The help text.</param>
    /// <param name="what">What the value is, e.g. "a number of seconds".</param>
    /// <param name="maximum">The largest value accepted.</param>
    /// <param name="example">A valid value for the error message, e.g. <c>30</c>.</param>
    public static Option<double?> Create(string name, string helpName, string description, string what, double maximum, string example) =>
        new(name)
        {
            HelpName = helpName,
            Description = description,
            CustomParser = result => Parse(result, name, what, maximum, example),
        };

    private static double? Parse(ArgumentResult result, string name, string what, double maximum, string example)
    {
        var range = $"give {what} above 0 and at most {maximum.ToString(CultureInfo.InvariantCulture)}, e.g. {name} {example}";
        if (result.Tokens.Count == 0 || result.Tokens[^1].Value.StartsWith("--", StringComparison.Ordinal))
        {
            result.AddError($"{name} needs a value: {range}");
            return null;
        }

        var text = result.Tokens[^1].Value;
        if (!double.TryParse(text, Styles, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
        {
            result.AddError($"{name} '{text}' is not a number: {range} (a dot for decimals: 0.5)");
            return null;
        }

        if (value <= 0 || value > maximum)
        {
            result.AddError($"{name} {text} is out of range: {range}");
            return null;
        }

        return value;
    }
}
