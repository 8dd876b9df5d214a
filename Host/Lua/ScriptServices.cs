using PluginNet.Core.Threading;
using PluginNet.Host.Output;

namespace PluginNet.Host.Lua;

/// <summary>What every script's runtime needs from the engine.</summary>
/// <param name="Dispatcher">Hands completions to the menu thread.</param>
/// <param name="Output">Print and log.</param>
/// <param name="CallbackTimeLimit">How long one callback may run before it is aborted.</param>
/// <param name="MaxScriptMemoryBytes">Lua memory one script may hold.</param>
/// <param name="Watch">Told when the menu thread enters and leaves a script (the watchdog reads it).</param>
/// <param name="MaxPatternSteps">Steps one call of string.find/match/gmatch/gsub may take (see Glue/patterns.lua).</param>
/// <param name="Observer">The attached observer (EngineOptions.Observer): told about every error a script logs.</param>
internal sealed record ScriptServices(MenuThreadDispatcher Dispatcher, IScriptOutput Output, TimeSpan CallbackTimeLimit, long MaxScriptMemoryBytes, long MaxPatternSteps = 50_000_000, MenuThreadWatch? Watch = null, PluginNet.Core.Observation.INetObserver? Observer = null);
