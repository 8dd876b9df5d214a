using System.Runtime.CompilerServices;

namespace PluginNet.TestSupport;

/// <summary>Unloading a plugin from a running engine and proving its load context is collected.</summary>
public static class LoadContexts
{
    /// <summary>Unloads <paramref name="plugin"/> on the menu thread; the weak reference tracks its load context.</summary>
    public static async Task<WeakReference> UnloadPluginAsync(EngineRunner runner, string plugin)
    {
        Task<WeakReference>? unloading = null;
        await runner.InvokeAsync(e => unloading = e.UnloadPluginAsync(plugin));
        return await unloading!.WaitAsync(TimeSpan.FromSeconds(10));
    }

    /// <summary>
    /// Collects until <paramref name="context"/> is gone (a few rounds: finalizers release the last
    /// references); true when it was collected.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static async Task<bool> CollectedAsync(WeakReference context)
    {
        for (var i = 0; i < 20 && context.IsAlive; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            await Task.Delay(10);
        }

        return !context.IsAlive;
    }
}
