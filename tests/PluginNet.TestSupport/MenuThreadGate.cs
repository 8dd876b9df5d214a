using PluginNet.Host.Engine;

namespace PluginNet.TestSupport;

/// <summary>
/// A test module that holds the menu thread from inside a callback until the test opens the gate:
/// a script calls <c>gate.wait()</c>, the test calls <see cref="Open"/>. The wait is one C# call, so
/// the callback time limit's count hook does not fire during it (give the engine a larger
/// <c>CallbackTimeLimit</c> if the callback goes on after it); bounded by <see cref="Bound"/>.
/// </summary>
public sealed class MenuThreadGate : ILuaModule, IDisposable
{
    /// <summary>The longest <c>gate.wait()</c> holds when the test never opens the gate.</summary>
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private readonly ManualResetEventSlim _open = new();
    private readonly TaskCompletionSource _waiting = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes once a script is inside <c>gate.wait()</c>.</summary>
    public Task Waiting => _waiting.Task;

    /// <inheritdoc />
    public void Install(LuaModuleContext script)
    {
        ArgumentNullException.ThrowIfNull(script);
        script.RegisterFunction("gate.wait", Wait);
    }

    /// <summary>Lets every <c>gate.wait()</c>, now or later, return.</summary>
    public void Open() => _open.Set();

    /// <inheritdoc />
    public void Dispose()
    {
        _open.Set();
        _open.Dispose();
    }

    private bool Wait()
    {
        _waiting.TrySetResult();
        return _open.Wait(Bound);
    }
}
