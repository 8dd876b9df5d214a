using System.Text;

namespace PluginNet.Host.Cli;

/// <summary>
/// One line typed into the control console, split into words. Double or single quotes group a word
/// that holds spaces (<c>load "my mods/hud.lua"</c>); <see cref="Rest"/> keeps what follows a word as
/// typed, so a command that takes one path can accept it unquoted, spaces and all.
/// </summary>
internal sealed class ConsoleLine
{
    private readonly List<(string Word, int End)> _words;
    private readonly string _text;

    private ConsoleLine(string text, List<(string Word, int End)> words, bool quoted, string? problem)
    {
        _text = text;
        _words = words;
        Quoted = quoted;
        Problem = problem;
    }

    /// <summary>The words, quotes removed.</summary>
    public IReadOnlyList<string> Words => [.. _words.Select(w => w.Word)];

    /// <summary>True when the line used quotes.</summary>
    public bool Quoted { get; }

    /// <summary>What is wrong with the line (an unclosed quote), or null.</summary>
    public string? Problem { get; }

    /// <summary>Splits <paramref name="text"/>.</summary>
    public static ConsoleLine Parse(string text)
    {
        var words = new List<(string, int)>();
        var word = new StringBuilder();
        var inWord = false;
        var quoted = false;
        char? quote = null;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quote is { } q)
            {
                if (c == q)
                {
                    quote = null;
                }
                else
                {
                    word.Append(c);
                }
            }
            else if (c is '"' or '\'')
            {
                quote = c;
                quoted = true;
                inWord = true;
            }
            else if (char.IsWhiteSpace(c))
            {
                if (inWord)
                {
                    words.Add((word.ToString(), i));
                    word.Clear();
                    inWord = false;
                }
            }
            else
            {
                word.Append(c);
                inWord = true;
            }
        }

        if (inWord)
        {
            words.Add((word.ToString(), text.Length));
        }

        return new ConsoleLine(text, words, quoted, quote is { } open ? $"a {open} quote is not closed" : null);
    }

    /// <summary>Everything after word <paramref name="index"/> (0-based) as typed, trimmed: an unquoted path with spaces.</summary>
    public string Rest(int index) => _text[_words[index].End..].Trim();
}
