using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using LuaState = KeraLua.Lua;

namespace PluginNet.Host.Lua.Memory;

/// <summary>
/// One script's Lua memory limit, kept by the Lua allocator: while the limit is enforced (script code
/// running under a protected call from the host), an allocation that would take the state past it fails,
/// so Lua raises "not enough memory" inside the script after a full collection; frees always go
/// through. The host's own pushes (arguments, results of raw functions) are never refused: an
/// allocation failure outside a protected call would end the process.
/// </summary>
internal sealed unsafe partial class LuaMemoryLimit : IDisposable
{
    private Counters* _counters;

    public LuaMemoryLimit(long limitBytes)
    {
        _counters = (Counters*)NativeMemory.AllocZeroed((nuint)sizeof(Counters));
        _counters->Limit = limitBytes;
    }

    /// <summary>Bytes the state holds now.</summary>
    public long UsedBytes => _counters->Used;

    /// <summary>The limit in bytes.</summary>
    public long LimitBytes => _counters->Limit;

    /// <summary>Makes this the allocator of <paramref name="state"/>, counting what it holds already.</summary>
    public void Attach(LuaState state)
    {
        const KeraLua.LuaGC countB = (KeraLua.LuaGC)4; // LUA_GCCOUNTB: the bytes past the whole kilobytes
        _counters->Used = (state.GarbageCollector(KeraLua.LuaGC.Count, 0) * 1024L) + state.GarbageCollector(countB, 0);
        lua_setallocf(state.Handle, &Allocate, (IntPtr)_counters);
    }

    /// <summary>Enforces the limit (true) or lifts it (false); returns the previous setting, to restore.</summary>
    public bool Enforce(bool on)
    {
        var was = _counters->Enforcing != 0;
        _counters->Enforcing = on ? 1 : 0;
        return was;
    }

    /// <summary>Frees the counters; call only after the state is closed (closing frees through the allocator).</summary>
    public void Dispose()
    {
        if (_counters != null)
        {
            NativeMemory.Free(_counters);
            _counters = null;
        }
    }

    // lua_Alloc: (ud, ptr, osize, nsize). ptr == null means a new block (osize is then a type tag).
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void* Allocate(void* ud, void* ptr, nuint osize, nuint nsize)
    {
        var counters = (Counters*)ud;
        var old = ptr == null ? 0L : (long)osize;
        if (nsize == 0)
        {
            NativeMemory.Free(ptr);
            counters->Used -= old;
            return null;
        }

        var grow = (long)nsize - old;
        if (grow > 0 && counters->Enforcing != 0 && (long)nsize > counters->Limit - counters->Used + old)
        {
            return null;
        }

        var block = NativeMemory.Realloc(ptr, nsize);
        if (block != null)
        {
            counters->Used += grow;
        }

        return block;
    }

    [LibraryImport("lua54")]
    private static partial void lua_setallocf(IntPtr state, delegate* unmanaged[Cdecl]<void*, void*, nuint, nuint, void*> allocator, IntPtr userData);

    [StructLayout(LayoutKind.Sequential)]
    private struct Counters
    {
        public long Used;
        public long Limit;
        public int Enforcing;
    }
}
