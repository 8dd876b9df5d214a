namespace PluginNet.Host.Tests.Tasks;

/// <summary>The task library without a network: spawn, defer, wait, all, race, timeout, cancel, status, result, bad input.</summary>
public class TaskSemanticsTests
{
    [Fact]
    public async Task SpawnRunsAtOnceUntilItsFirstWait_DeferStartsOnTheNextFrame_WaitReturnsTheTimeWaited()
    {
        var output = await TaskRun.ToEndAsync("""
            local order = {}
            local t = task.spawn(function(a, b)
              order[#order + 1] = "spawned " .. a .. b
              local waited = task.wait(0.05)
              order[#order + 1] = "slept " .. tostring(waited >= 0.05)
              return a + b, "second"
            end, 1, 2)
            local d = task.defer(function(x) order[#order + 1] = "deferred " .. x end, "x")
            order[#order + 1] = "after spawn " .. t:status() .. " " .. d:status()
            task.spawn(function()
              task.all({ t, d })
              print(table.concat(order, ", "))
              print(t:status(), t:result())
              print(tostring(t):match("^task %d+ %(done%)$") ~= nil)
              script.unload()
            end)
            """);

        Assert.Equal(
            ["spawned 12, after spawn waiting waiting, deferred x, slept true", "done\t3\tsecond", "true"],
            output.Prints);
    }

    [Fact]
    public async Task All_ResultsInOrder_FirstErrorCancelsTheOthersAndIsRaised()
    {
        var output = await TaskRun.ToEndAsync("""
            task.spawn(function()
              local r = task.all({
                function() task.wait(0.1) return "slow" end,
                function() return "now" end,
                function() task.wait() return "frame" end,
              })
              print(r[1], r[2], r[3])
              local sleeper = task.spawn(function() task.wait(30) end)
              local ok, err = pcall(task.all, { sleeper, function() task.wait(0.02) error("child failed") end })
              print(ok, err:match("child failed") ~= nil, sleeper:status())
              script.unload()
            end)
            """);

        Assert.Equal(["slow\tnow\tframe", "false\ttrue\tcancelled"], output.Prints);
        Assert.Empty(TaskRun.Errors(output)); // the failure was handled by task.all's caller
    }

    [Fact]
    public async Task Race_FirstToFinishWinsAndTheOthersAreCancelled()
    {
        var output = await TaskRun.ToEndAsync("""
            task.spawn(function()
              local slow = task.spawn(function() task.wait(30) return "slow" end)
              local i, v = task.race({ slow, function() task.wait(0.05) return "fast" end })
              print(i, v, slow:status())
              local ok, err = pcall(task.race, { function() task.wait(30) end, function() task.wait() error("lost") end })
              print(ok, err:match("lost") ~= nil)
              script.unload()
            end)
            """);

        Assert.Equal(["2\tfast\tcancelled", "false\ttrue"], output.Prints);
    }

    [Fact]
    public async Task Timeout_ReturnsTheResultsOrFalseAndCancelsTheLateTask()
    {
        var output = await TaskRun.ToEndAsync("""
            task.spawn(function()
              print(task.timeout(5, function(a) task.wait() return a, "b" end, "a"))
              local late = false
              print(task.timeout(0.05, function() task.wait(30) late = true end))
              task.wait(0.1)
              print("late ran", late)
              script.unload()
            end)
            """);

        Assert.Equal(["true\ta\tb", "false\ttimed out", "late ran\tfalse"], output.Prints);
    }

    [Fact]
    public async Task Cancel_StopsAWaitingTask_ItNeverResumes_AndCannotBeCancelledTwice()
    {
        var output = await TaskRun.ToEndAsync("""
            local t = task.spawn(function() task.wait(0.05) print("RESUMED") end)
            print(t:cancel(), t:status(), t:cancel())
            local me
            me = task.spawn(function()
              task.wait()
              print(me:cancel(), me:status()) -- it runs on until its next wait
              task.wait()
              print("NEVER")
            end)
            task.spawn(function()
              while me:status() == "waiting" do task.wait() end
              task.wait(0.2) -- past t's 0.05 s and me's next frame: either would have printed by now
              print(me:status(), pcall(t.result, t))
              script.unload()
            end)
            """);

        Assert.Equal("true\tcancelled\tfalse", output.Prints[0]);
        Assert.Equal("true\tcancelled", output.Prints[1]);
        Assert.DoesNotContain("RESUMED", output.Prints);
        Assert.DoesNotContain("NEVER", output.Prints);
        Assert.Matches(@"^cancelled\tfalse\t.*task \d+ was cancelled$", output.Prints[^1]);
    }

    [Fact]
    public async Task ATaskCannotBeResumedFromOutside()
    {
        var output = await TaskRun.ToEndAsync("""
            local co
            task.spawn(function() co = coroutine.running() task.wait(30) end)
            print(pcall(coroutine.resume, co))
            print(pcall(coroutine.close, co))
            task.spawn(function() coroutine.yield("not a wait") end)
            script.unload()
            """);

        Assert.Matches("^false\t.*coroutine.resume cannot resume a task", output.Prints[0]);
        Assert.Matches("^false\t.*coroutine.close cannot close a task", output.Prints[1]);
        Assert.Contains(TaskRun.Errors(output), e => e.Contains("coroutine.yield cannot suspend a task", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(false, "task.spawn(42)", "bad argument #1 to 'spawn' (function expected, got number)")]
    [InlineData(false, "task.defer('x')", "bad argument #1 to 'defer' (function expected, got string)")]
    [InlineData(true, "task.wait('1')", "bad argument #1 to 'wait' (number expected, got string)")]
    [InlineData(true, "task.wait(-1)", "bad argument #1 to 'wait' (seconds must be a finite number from 0, got -1)")]
    [InlineData(false, "task.wait()", "task.wait must be called inside a task (task.spawn)")]
    [InlineData(false, "task.all({})", "task.all must be called inside a task (task.spawn)")]
    [InlineData(false, "task.timeout(1, print)", "task.timeout must be called inside a task (task.spawn)")]
    [InlineData(true, "task.all(5)", "bad argument #1 to 'all' (table expected, got number)")]
    [InlineData(true, "task.all({ 1 })", "bad argument #1 to 'all' (entry 1 is a number, not a task or function)")]
    [InlineData(true, "task.race({})", "bad argument #1 to 'race' (the list is empty)")]
    [InlineData(true, "task.timeout(1, 'f')", "bad argument #2 to 'timeout' (function expected, got string)")]
    [InlineData(true, "task.timeout(-1, print)", "bad argument #1 to 'timeout' (seconds must be a finite number from 0, got -1)")]
    [InlineData(false, "task.spawn(type, 0).cancel()", "t:cancel must be called with a colon on a task: t:cancel()")]
    [InlineData(false, "task.spawn(task.wait):result()", "has not finished (waiting); wait for it with task.all({ t })")]
    [InlineData(false, "task.spawn(type, 0).x = 1", "a task has no fields to set")]
    public async Task BadInput_RaisesALuaErrorAtTheScriptLine(bool inTask, string call, string expected)
    {
        var body = $$"""
            local ok, err = pcall(function()
              {{call}}
            end)
            print(ok, err)
            script.unload()
            """;
        var output = await TaskRun.ToEndAsync(inTask ? $"task.spawn(function()\n{body}\nend)" : body);

        var printed = output.Prints.Single();
        Assert.StartsWith("false\t", printed, StringComparison.Ordinal);
        Assert.Contains(expected, printed, StringComparison.Ordinal);
        Assert.Matches(@"\.lua:\d+: ", printed); // raised at the script's line, not inside the glue
    }
}
