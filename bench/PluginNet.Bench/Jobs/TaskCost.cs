using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using PluginNet.Bench.Infrastructure;

namespace PluginNet.Bench.Jobs;

/// <summary>
/// What a task costs next to the callback it replaces, both measured in the same script run:
/// Lua memory per waiting request (10,000 requests to a server that never answers, queued by the
/// per-script limit; a task per request against a callback per request) and per sleeping task, and
/// the process CPU time (os.clock) per request of sequential requests to a local server (a task's
/// loop against a callback chain, after a warm-up), which adds the resume to the same work. Both
/// forms are warmed before either is measured, and the order alternates run by run.
/// </summary>
internal static class TaskCost
{
    public static async Task RunAsync(BenchSettings settings, ResultTable results)
    {
        var waiting = settings.Count(10_000, 500);
        var sequential = settings.Count(2_000, 100);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        await using var app = builder.Build();
        app.Map("/r", context => context.Response.WriteAsync("ok"));
        await app.StartAsync();
        var memory = new List<(double Callback, double Task, double Sleep)>();
        var time = new List<(double Callback, double Task)>();
        for (var run = 1; run <= settings.Runs; run++)
        {
            // Never answers while the memory is measured; then it stops, so the waiting requests fail
            // at once and the per-script queue is free for the timed part.
            var hanging = new TcpListener(IPAddress.Loopback, 0);
            hanging.Start();
            var hangUrl = $"http://127.0.0.1:{((IPEndPoint)hanging.LocalEndpoint).Port}/hang";
            var output = new Figures();
            var running = BenchEngine.RunAsync(Script(app.Urls.First() + "/r", hangUrl, waiting, sequential, callbackFirst: run % 2 == 1), [],
                o => o with { Output = output, CallbackTimeLimit = TimeSpan.FromSeconds(60) }); // 10,000 calls in one chunk outrun 250 ms on a busy machine
            await output.Measured.Task.WaitAsync(TimeSpan.FromMinutes(5));
            hanging.Stop();
            await running;
            var f = output.Values;
            memory.Add((f["callback_bytes"] / waiting, f["task_bytes"] / waiting, f["sleep_bytes"] / waiting));
            time.Add((f["callback_ms"] / sequential, f["task_ms"] / sequential));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  run {run}: bytes per waiting request: callback {memory[^1].Callback:0}, task {memory[^1].Task:0}; per sleeping task {memory[^1].Sleep:0}; ms per sequential request: callback {time[^1].Callback:0.000}, task {time[^1].Task:0.000}"));
        }

        var callbackBytes = Stats.Median(memory.Select(m => m.Callback));
        var taskBytes = Stats.Median(memory.Select(m => m.Task));
        var sleepBytes = Stats.Median(memory.Select(m => m.Sleep));
        var callbackMs = Stats.Median(time.Select(t => t.Callback));
        var taskMs = Stats.Median(time.Select(t => t.Task));
        results.Add(new ResultRow(
            $"Lua memory per waiting request, {waiting:N0} at once (a task per request vs a callback per request); a task in `task.wait`: {sleepBytes:0} B",
            $"{taskBytes:0} B", $"{callbackBytes:0} B (callback)", $"{taskBytes / callbackBytes:0.00}×", "≤ 4 KB per waiting task", taskBytes <= 4096));
        results.Add(new ResultRow(
            $"process CPU per sequential GET, {sequential:N0} to local Kestrel (task loop vs callback chain: the resume's cost)",
            $"{taskMs:0.000} ms", $"{callbackMs:0.000} ms (callback)", $"{taskMs / callbackMs:0.00}×", "≤ 1.1×", taskMs <= callbackMs * 1.1));
    }

    // Odd runs measure the callback form first, even runs the task form first (memory and time
    // alike), after a warm-up of both forms against the live server, so neither side is the cold one.
    private static string Script(string url, string hangUrl, int waiting, int sequential, bool callbackFirst) => $$"""
        local function used() collectgarbage() collectgarbage() return collectgarbage("count") * 1024 end
        local function report(name, value) print(name .. " " .. string.format("%.3f", value)) end
        local callbackFirst = {{(callbackFirst ? "true" : "false")}}
        local answered = 0

        local function callbackMemory()
          local base = used()
          for _ = 1, {{waiting}} do net.http:get("{{hangUrl}}", function() answered = answered + 1 end) end
          report("callback_bytes", used() - base)
        end

        local function taskMemory()
          local base = used()
          local all = {}
          for i = 1, {{waiting}} do all[i] = task.spawn(function() return net.http:get("{{hangUrl}}") end) end
          report("task_bytes", used() - base)
          for i = 1, #all do all[i]:cancel() end
        end

        local function callbackTime(after)
          local started, n = os.clock(), 0
          local function chain()
            n = n + 1
            if n > {{sequential}} then
              report("callback_ms", (os.clock() - started) * 1000)
              after()
              return
            end
            net.http:get("{{url}}", chain)
          end
          chain()
        end

        local function taskTime()
          local t0 = os.clock()
          for _ = 1, {{sequential}} do net.http:get("{{url}}") end
          report("task_ms", (os.clock() - t0) * 1000)
        end

        -- Warm-up of both forms (their requests still running, the same during every measure below)
        for _ = 1, 50 do net.http:get("{{url}}", function() end) end
        for _ = 1, 50 do task.spawn(function() return net.http:get("{{url}}") end) end

        if callbackFirst then callbackMemory() taskMemory() else taskMemory() callbackMemory() end
        local base = used()
        local sleepers = {}
        for i = 1, {{waiting}} do sleepers[i] = task.spawn(task.wait, 3600) end
        report("sleep_bytes", used() - base)
        for i = 1, #sleepers do sleepers[i]:cancel() end
        print("measured")

        task.spawn(function()
          while answered < {{waiting}} do task.wait() end -- the hanging server has stopped: all fail
          for _ = 1, 200 do net.http:get("{{url}}") end -- warm-up, measured by neither side
          if callbackFirst then
            callbackTime(function() task.spawn(function() taskTime() script.unload() end) end)
          else
            taskTime()
            callbackTime(script.unload)
          end
        end)
        """;

    // The script's printed "name value" lines.
    private sealed class Figures : PluginNet.Host.Output.IScriptOutput
    {
        public ConcurrentDictionary<string, double> Values { get; } = new();

        public TaskCompletionSource Measured { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Print(string script, string text)
        {
            if (text == "measured")
            {
                Measured.TrySetResult();
            }

            var parts = text.Split(' ');
            if (parts.Length == 2 && double.TryParse(parts[1], CultureInfo.InvariantCulture, out var value))
            {
                Values[parts[0]] = value;
            }
        }

        public void Log(PluginNet.Host.Output.LogLevel level, string? script, string message) => Console.WriteLine($"  [{level}] {message}");
    }
}
