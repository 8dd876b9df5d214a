using PluginNet.Core.Observation;
using PluginNet.Host.Output;
using LuaState = KeraLua.Lua;

namespace PluginNet.Host.Lua;

// A script's errors: logged with the script's name (a storm's repeats counted, then summarised) and
// told to the observer, message and traceback apart.
internal sealed partial class ScriptRuntime
{
    private readonly ErrorStorm _errors = new(TimeSpan.FromSeconds(5));

    /// <summary>
    /// Logs a failed callback with the script's name; the message carries file:line and traceback.
    /// The same error again within the storm window is counted instead of logged (see <see cref="ErrorStorm"/>).
    /// </summary>
    public void ReportError(string where, string message)
    {
        var text = $"error in {where}: {message}";
        LastError = text;
        if (_errors.ShouldLog(text, DateTime.UtcNow))
        {
            Services.Output.Log(LogLevel.Error, Scope.Name, text);

            // The observer hears what the log shows (a storm's repeats are counted there, not sent).
            if (Services.Observer is { } observer)
            {
                observer.OnScript(ErrorObservation(text));
            }
        }
    }

    /// <summary>Lua's traceback follows the message after "stack traceback:"; observations keep them apart.</summary>
    public static (string Message, string? Traceback) SplitTraceback(string text)
    {
        var cut = text.IndexOf("\nstack traceback:", StringComparison.Ordinal);
        return cut < 0 ? (text, null) : (text[..cut], text[(cut + 1)..]);
    }

    private ScriptObservation ErrorObservation(string text)
    {
        var (message, traceback) = SplitTraceback(text);
        return new(Scope.Name, ScriptObservationKind.Error, DateTimeOffset.UtcNow)
        {
            Message = message,
            Traceback = traceback,
        };
    }

    /// <summary>Logs how often suppressed errors repeated. Called once per frame.</summary>
    public void FlushErrorSummaries()
    {
        foreach (var summary in _errors.TakeSummaries(DateTime.UtcNow, force: _disposed))
        {
            Services.Output.Log(LogLevel.Error, Scope.Name, summary);
        }
    }

    private int ReportErrorFromLua(LuaState state)
    {
        ReportError(state.ToText(1) ?? "callback", state.ToText(2) ?? "(no message)");
        return 0;
    }

    private string PopMessage()
    {
        var message = State.ToText(-1) ?? State.TypeName(State.Type(-1));
        State.Pop(1);
        return message;
    }
}
