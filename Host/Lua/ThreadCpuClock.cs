using System.Diagnostics;
using System.Runtime.InteropServices;

namespace PluginNet.Host.Lua;

/// <summary>
/// The processor time the calling thread has used, in milliseconds: what the runaway guard charges a
/// callback with. A callback slowed by a busy machine (the game, a build) uses little of it while it
/// waits for a core, so it is not taken for an endless loop; one that spins uses it all.
/// </summary>
/// <remarks>
/// Read only when the cheap wall clock says a callback may be over its limit, so the system call costs
/// nothing on the normal path. Where no per-thread clock is available it falls back to the wall clock
/// (the guard then measures elapsed time, as before).
/// </remarks>
internal static partial class ThreadCpuClock
{
    private const int LinuxThreadCpuClock = 3; // CLOCK_THREAD_CPUTIME_ID
    private const int MacThreadCpuClock = 16; // CLOCK_THREAD_CPUTIME_ID
    private static readonly long WallStart = Stopwatch.GetTimestamp();
    private static bool _unavailable;

    /// <summary>Milliseconds of processor time used by the calling thread (or of wall time, see remarks).</summary>
    public static double Milliseconds()
    {
        if (!Volatile.Read(ref _unavailable))
        {
            try
            {
                if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS())
                {
                    var clock = OperatingSystem.IsLinux() ? LinuxThreadCpuClock : MacThreadCpuClock;
                    if (ClockGetTime(clock, out var time) == 0)
                    {
                        return (time.Seconds * 1000.0) + (time.Nanoseconds / 1_000_000.0);
                    }
                }
                else if (OperatingSystem.IsWindows()
                    && GetThreadTimes(GetCurrentThread(), out _, out _, out var kernel, out var user))
                {
                    return (kernel + user) / 10_000.0; // 100 ns units
                }
            }
            catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
            {
            }

            Volatile.Write(ref _unavailable, true);
        }

        return Stopwatch.GetElapsedTime(WallStart).TotalMilliseconds;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out TimeSpec time);

    [LibraryImport("kernel32")]
    private static partial IntPtr GetCurrentThread();

    [LibraryImport("kernel32")]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static partial bool GetThreadTimes(IntPtr thread, out long creation, out long exit, out long kernel, out long user);

    // struct timespec on 64-bit Linux and macOS.
    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}
