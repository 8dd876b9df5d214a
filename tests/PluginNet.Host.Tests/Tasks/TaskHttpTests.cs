using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using PluginNet.TestSupport;

namespace PluginNet.Host.Tests.Tasks;

/// <summary>net.http inside tasks against a real local server: waiting calls, cancellation that the server sees, errors across a wait.</summary>
public class TaskHttpTests : IAsyncLifetime
{
    private TestHttpServer _server = null!;

    public async Task InitializeAsync() => _server = await TestHttpServer.StartAsync(app =>
    {
        app.Map("/step/{n:int}", async context =>
        {
            using var body = new StreamReader(context.Request.Body);
            var received = await body.ReadToEndAsync();
            await context.Response.WriteAsync($"{context.Request.Method} {context.Request.RouteValues["n"]} {received}");
        });
        app.Map("/teapot", context =>
        {
            context.Response.StatusCode = 418;
            return Task.CompletedTask;
        });
    });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task SequentialRequestsInOneTask_ReadTopToBottom()
    {
        var output = await TaskRun.ToEndAsync($$"""
            task.spawn(function()
              local first = net.http:get("{{_server.Url("/step/1")}}")
              local second = net.http:post("{{_server.Url("/step/2")}}", first.body, "text/plain")
              local third = net.http:post("{{_server.Url("/step/3")}}", { body = "three", headers = { ["X-A"] = "b" } })
              local fourth = net.http:request("{{_server.Url("/step/4")}}", "PUT", { body = "four" })
              local fifth = net.http:get("{{_server.Url("/teapot")}}", { timeout = 10 })
              print(first.body)
              print(second.body)
              print(third.body)
              print(fourth.body)
              print(fifth.status, fifth.ok)
              script.unload()
            end)
            """);

        Assert.Equal(["GET 1 ", "POST 2 GET 1 ", "POST 3 three", "PUT 4 four", "418\tfalse"], output.Prints);
    }

    [Fact]
    public async Task TenThousandTasksEachWaitingOnARequest_AllComplete_ThePerScriptLimitQueuesThem()
    {
        // Spawned 50 a frame, so no resume comes near the 250 ms limit even on a busy machine; task.all waits for all.
        var script = LuaScripts.Write($$"""
            task.spawn(function()
              local all = {}
              for i = 1, 10000 do
                all[i] = task.spawn(function() return net.http:get("{{_server.Url("/step/")}}" .. i).body end)
                if i % 50 == 0 then task.wait() end
              end
              local bodies = task.all(all)
              local right = 0
              for i = 1, #bodies do
                if bodies[i] == "GET " .. i .. " " then right = right + 1 end
              end
              print("right", right)
              script.unload()
            end)
            """);
        // As HttpLoadTests' flood: on a loaded machine (other test classes run in parallel) a stall of
        // the menu thread alone can pass the 250 ms guard, which counts wall time; this test is about
        // the queue, not the guard (ARunawayTask tests that).
        await using var runner = await EngineRunner.StartAsync(
            [script], limit: TimeSpan.FromMinutes(3), options: o => o with { CallbackTimeLimit = TimeSpan.FromSeconds(60) });
        await runner.Output.WaitForPrintAsync(p => p.StartsWith("right", StringComparison.Ordinal), TimeSpan.FromMinutes(3));

        Assert.True(runner.Output.Prints.SequenceEqual(["right\t10000"]), runner.Output.Transcript[..Math.Min(3000, runner.Output.Transcript.Length)]);
        Assert.Empty(TaskRun.Errors(runner.Output));
    }

    [Theory]
    [InlineData("net.http:get(URL)", "net.http:get needs a callback, or call it inside task.spawn")]
    [InlineData("net.http:get(URL, {})", "net.http:get needs a callback, or call it inside task.spawn")]
    [InlineData("net.http:post(URL, 'b', 'text/plain')", "net.http:post needs a callback, or call it inside task.spawn")]
    [InlineData("net.http:post(URL, {})", "net.http:post needs a callback, or call it inside task.spawn")]
    [InlineData("net.http:request(URL, 'PUT', {})", "net.http:request needs a callback, or call it inside task.spawn")]
    public async Task WithoutACallbackOutsideATask_RaisesAtTheScriptLine(string call, string expected)
    {
        var output = await TaskRun.ToEndAsync($$"""
            local URL = "{{_server.Url("/step/1")}}"
            print(pcall(function() {{call}} end))
            script.unload()
            """);

        Assert.Matches(@"^false\t.*\.lua:2: " + Regex.Escape(expected) + "$", output.Prints.Single());
    }

    [Fact]
    public async Task CancelInTheMiddleOfARequest_TheServerSeesTheAbort_NothingResumes_TheLedgerLetsGo()
    {
        await using var hanging = new RawHttpServer(hang: true);
        var script = LuaScripts.Write($$"""
            local t = task.spawn(function()
              local resp = net.http:get("{{hanging.Url("/never")}}")
              print("RESUMED", resp.error)
            end)
            event.on("cancel_it", function() print("cancel", t:cancel(), t:status()) end)
            print("waiting", t:status())
            """);
        await using var runner = await EngineRunner.StartAsync([script]);
        await hanging.NextAsync(TaskRun.Within);
        await runner.InvokeAsync(e => Assert.Single(e.Status().Single().Resources));

        await runner.InvokeAsync(e => e.FireEvent("cancel_it"));

        await hanging.WaitForHangUpAsync(TaskRun.Within);
        await NoResourcesLeftAsync(runner); // the ledger lets go as the aborted exchange ends, just after the hang-up
        await runner.InvokeAsync(e => e.FireEvent("cancel_it")); // a second cancel: nothing left to cancel
        Assert.Equal(["waiting\twaiting", "cancel\ttrue\tcancelled", "cancel\tfalse\tcancelled"], runner.Output.Prints);
    }

    [Fact]
    public async Task ErrorAfterAWait_IsLoggedWithScriptLineAndATracebackShowingBothSides()
    {
        var output = await TaskRun.ToEndAsync($$"""
            local function fetch_version(url)
              local resp = net.http:get(url)
              return resp.body:nope() -- fails after the wait
            end
            local function check_for_updates()
              local version = fetch_version("{{_server.Url("/step/1")}}")
              return version
            end
            local t = task.spawn(function()
              check_for_updates()
            end)
            task.spawn(function()
              while t:status() == "waiting" do task.wait(0.02) end
              script.unload()
            end)
            """);

        var error = Assert.Single(TaskRun.Errors(output));
        Assert.Contains("error in task started at", error, StringComparison.Ordinal);
        Assert.Matches(@"\.lua:3: .*'nope'", error);                  // the failing line, after the wait
        Assert.Matches(@"\.lua:6: in ", error);                       // the caller of the frame that waited
        Assert.Matches(@"\.lua:10: in ", error);                      // the task's own function
        Assert.Matches(@"\(task started at .*\.lua:9\)", error);      // the side that started it
    }

    [Fact]
    public async Task ARunawayTask_IsAbortedLikeARunawayCallback_AndTheScriptGoesOn()
    {
        var output = await TaskRun.ToEndAsync($$"""
            local spinner = task.spawn(function()
              net.http:get("{{_server.Url("/step/1")}}")
              while true do end
            end)
            task.spawn(function()
              while spinner:status() == "waiting" do task.wait(0.02) end
              print("after", spinner:status())
              script.unload()
            end)
            """);

        Assert.Equal(["after\tfailed"], output.Prints);
        var error = Assert.Single(TaskRun.Errors(output));
        Assert.Matches(@"\.lua:3: callback aborted: still running after 250 ms", error);
    }

    // The guard aborts a runaway task inside its coroutine; the glue that resumed it (the waker of a timer
    // or a response) then records the failure with the same, spent, allowance. Whether the guard's next look
    // falls inside that glue depends on how many instructions the menu thread ran before, so many runaway
    // tasks are needed to meet it: before the guard spared the glue, 4 to 14 aborts of 120 were raised a
    // second time there (four runs), so that the task stayed "running" for good and the callback that resumed
    // it logged an abort naming no line.
    [Theory]
    [InlineData("task.wait(0)")]
    [InlineData("net.http:get")]
    public async Task ManyRunawayTasks_EachFailsOnceWithItsLine_TheResumingCallbackIsNotAborted(string wait)
    {
        const int Tasks = 120;

        // 25 ms: above the guard's first 10 ms, which it counts by the clock, so that on a loaded machine only
        // the spinners (15 ms of processor time each) are aborted, never the quick main chunk or the checker.
        const int LimitMs = 25;
        var call = wait == "task.wait(0)" ? wait : $"net.http:get(\"{_server.Url("/step/1")}\")";
        var output = await EngineRunner.RunToEndAsync(
            $$"""
            local spinners = {}
            for i = 1, {{Tasks}} do
              spinners[i] = task.defer(function() -- each starts in a dispatcher item of its own
                {{call}}
                while true do end
              end)
            end
            task.spawn(function()
              local counts = {}
              repeat
                task.wait(0.02)
                local waiting = false
                for _, t in ipairs(spinners) do waiting = waiting or t:status() == "waiting" end
              until not waiting
              for _, t in ipairs(spinners) do
                local _, err = pcall(t.result, t)
                local status = t:status() .. (tostring(err):find("%.lua:5: callback aborted") and " at its line" or "")
                counts[status] = (counts[status] or 0) + 1
              end
              for status, count in pairs(counts) do print(status, count) end
              script.unload()
            end)
            """,
            TaskRun.Within,
            requireUnloaded: false,
            options: o => o with { CallbackTimeLimit = TimeSpan.FromMilliseconds(LimitMs) });

        var errors = TaskRun.Errors(output);
        Assert.True(output.Prints.SequenceEqual([$"failed at its line\t{Tasks}"]), $"{string.Join(" | ", output.Prints)}\n{string.Join("\n", errors.Take(5))}");

        // Only the tasks' own failures are logged (the log folds repeats of a line into a count), never an
        // abort of the callback that resumed one ("error in task: …", "error in net.http callback: …").
        Assert.All(errors, e => Assert.Matches(
            $@"^(the error "")?error in task started at [^""\n]*\.lua:3: [^""\n]*\.lua:5: callback aborted: still running after {LimitMs} ms", e));
    }

    // The script's resources, asked on the menu thread until none is left (bounded: TaskRun.Within).
    private static async Task NoResourcesLeftAsync(EngineRunner runner)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var left = -1;
            await runner.InvokeAsync(e => left = e.Status().Single().Resources.Count);
            if (left == 0)
            {
                return;
            }

            Assert.True(clock.Elapsed < TaskRun.Within, $"{left} resource(s) still in the ledger after {TaskRun.Within.TotalSeconds} s");
            await Task.Delay(10);
        }
    }
}
