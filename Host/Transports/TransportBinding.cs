using PluginNet.Core.Resources;
using PluginNet.Core.Transports;
using PluginNet.Host.Lua;
using LuaState = KeraLua.Lua;

namespace PluginNet.Host.Transports;

/// <summary>
/// What every <c>net.X</c> binding of one script shares: installing its glue, finding the transport
/// that serves it now (with the "no plugin provides" message), the script's permissions, its ledger
/// entries, posting to the menu thread without a closure, and calling the glue's <c>deliver</c>.
/// A binding adds only its argument conversion and its events.
/// </summary>
/// <typeparam name="TContract">The Core contract of its transport.</typeparam>
/// <remarks>Menu thread, except <see cref="Post(Action)"/> and its overloads, which any thread may call.</remarks>
internal abstract class TransportBinding<TContract>
    where TContract : class
{
    private readonly string _callbackName;
    private int _deliverRef;

    protected TransportBinding(ScriptRuntime script, NetServices net, TransportKind<TContract> kind)
    {
        Script = script;
        Net = net;
        Kind = kind;
        _callbackName = kind.LuaName + " callback";
    }

    public ScriptRuntime Script { get; }

    protected TransportKind<TContract> Kind { get; }

    /// <summary>The engine's transports, permissions and settings for <c>net</c>.</summary>
    protected NetServices Net { get; }

    /// <summary>The transport serving this part of <c>net</c> right now, or null when no plugin does.</summary>
    protected TransportProvider<TContract>? Current => Net.Transports.Get(Kind);

    /// <summary>The permissions of this script, from plugins.json.</summary>
    protected ScriptPermissions Permissions => Net.Permissions().For(Script.ScriptPath);

    /// <summary>The TLS and address checks for this script's outgoing connections (net.http, net.ws).</summary>
    internal ConnectionRules ConnectionRules => Net.ConnectionRules.For(Permissions);

    /// <summary>Runs the transport's glue with <see cref="RawFunctions"/> and sets <c>net.KEY</c>.</summary>
    public void Install() => _deliverRef = Script.InstallNetPart(Kind.GlueFile, RawFunctions(), GlueArguments());

    /// <summary>The raw functions the glue calls after checking arguments.</summary>
    protected abstract Dictionary<string, Func<LuaState, int>> RawFunctions();

    /// <summary>Numbers passed to the glue after (raw, util), such as a size limit.</summary>
    protected virtual long[] GlueArguments() => [];

    /// <summary>Returns (nil, "no plugin provides the X transport; ...") to the glue, which raises it at the call.</summary>
    protected int NoProvider(LuaState state) => state.ReturnError(Kind.NoProviderMessage);

    /// <summary>Puts a resource of this transport in the script's ledger; it stays until <see cref="Untrack"/> or a release.</summary>
    protected LedgerEntry Track(ResourceKind kind, string pluginName, Func<string> describe, Func<ReleaseReason, Task> release) =>
        Script.Scope.Ledger.Add(kind, pluginName, describe, release);

    /// <summary>Takes an entry out of the ledger. True when this call removed it (it was not released already).</summary>
    protected bool Untrack(LedgerEntry? entry) => entry is not null && Script.Scope.Ledger.Remove(entry);

    /// <summary>Queues work for the menu thread; dropped if the script unloads first. Any thread.</summary>
    public void Post(Action work) => Script.Services.Dispatcher.Post(Script.Scope, work);

    /// <summary>Queues a static delegate with its state: no closure per event. Any thread.</summary>
    public void Post(Action<object?, object?> work, object? first, object? second) =>
        Script.Services.Dispatcher.Post(Script.Scope, work, first, second);

    /// <summary>Queues a static delegate with its state and a number (an id, a port). Any thread.</summary>
    public void Post(Action<object?, object?, long> work, object? first, object? second, long number) =>
        Script.Services.Dispatcher.Post(Script.Scope, work, first, second, number);

    /// <summary>
    /// Starts a call to the glue's <c>deliver</c>: pushes it and returns the stack top to pass to
    /// <see cref="EndDelivery"/> after pushing the arguments. False once the script is disposed:
    /// nothing is ever called into an unloaded script.
    /// </summary>
    protected bool BeginDelivery(out LuaState state, out int top)
    {
        if (Script.IsDisposed)
        {
            state = null!;
            top = 0;
            return false;
        }

        state = Script.State;
        top = state.GetTop();
        Script.PushRef(_deliverRef);
        return true;
    }

    /// <summary>Calls <c>deliver</c> with the <paramref name="argumentCount"/> values pushed; an error is reported, never thrown.</summary>
    protected void EndDelivery(int argumentCount, int top) => Script.CallProtected(argumentCount, top, _callbackName);
}
