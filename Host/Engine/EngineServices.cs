using PluginNet.Core.Threading;
using PluginNet.Host.Lua.Net;
using PluginNet.Host.Plugins;

namespace PluginNet.Host.Engine;

/// <summary>What the modules of a script need from the engine.</summary>
/// <param name="Dispatcher">Hands completions to the menu thread.</param>
/// <param name="Transports">The transport serving each part of <c>net</c> right now.</param>
/// <param name="Output">Print and log.</param>
/// <param name="Options">Engine settings.</param>
/// <param name="AllowedOrigins">Extra WebSocket server origins from <c>plugins.json</c>.</param>
/// <param name="Permissions">What each script may reach, from <c>plugins.json</c>.</param>
/// <param name="LastRequests">HTTP requests that outlive their unloaded script, bounded.</param>
internal sealed record EngineServices(
    MenuThreadDispatcher Dispatcher,
    TransportRegistry Transports,
    IScriptOutput Output,
    EngineOptions Options,
    Func<IReadOnlyList<string>> AllowedOrigins,
    Func<NetPermissions> Permissions,
    LastRequests LastRequests);
