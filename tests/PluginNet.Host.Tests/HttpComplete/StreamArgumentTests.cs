using PluginNet.TestSupport;

namespace PluginNet.Host.Tests.HttpComplete;

/// <summary>Wrong types and conflicting options of the streaming and limit options raise Lua errors naming them.</summary>
public class StreamArgumentTests
{
    [Theory]
    [InlineData("{ on_chunk = function() end, on_event = function() end }", "options 'on_event' and 'on_chunk' cannot be used together")]
    [InlineData("{ on_chunk = function() end, save_to_file = 'x' }", "options 'on_chunk' and 'save_to_file' cannot be used together")]
    [InlineData("{ on_event = function() end, save_to_file = 'x' }", "options 'on_event' and 'save_to_file' cannot be used together")]
    [InlineData("{ on_chunk = 'x' }", "field 'on_chunk' must be a function, got string")]
    [InlineData("{ on_event = {} }", "field 'on_event' must be a function, got table")]
    [InlineData("{ on_progress = 1 }", "field 'on_progress' must be a function, got number")]
    [InlineData("{ on_upload_progress = true }", "field 'on_upload_progress' must be a function, got boolean")]
    [InlineData("{ follow_redirects = 'yes' }", "field 'follow_redirects' must be true, false or a whole number of redirects from 0 to 10, got yes")]
    [InlineData("{ follow_redirects = 11 }", "field 'follow_redirects' must be true, false or a whole number of redirects from 0 to 10, got 11")]
    [InlineData("{ follow_redirects = 1.5 }", "field 'follow_redirects' must be true, false or a whole number of redirects from 0 to 10, got 1.5")]
    [InlineData("{ max_body = '1' }", "field 'max_body' must be a number, got string")]
    [InlineData("{ max_body = 0 }", "field 'max_body' must be a whole number of bytes above 0, got 0")]
    [InlineData("{ max_body = 100000000 }", "field 'max_body' is above the in-memory limit of 67108864 bytes; stream larger bodies with save_to_file or on_chunk")]
    [InlineData("{ connect_timeout = 'soon' }", "field 'connect_timeout' must be a number, got string")]
    [InlineData("{ connect_timeout = 0 }", "field 'connect_timeout' must be a positive number of seconds")]
    [InlineData("{ idle_timeout = -1 }", "field 'idle_timeout' must be a positive number of seconds")]
    [InlineData("{ last_event_id = 5 }", "field 'last_event_id' must be a string, got number")]
    public async Task WrongOption_RaisesAtTheCallersLine(string options, string message)
    {
        var output = await RunAsync($$"""
            local ok, err = pcall(function()
              net.http:get("http://127.0.0.1:1/", {{options}}, function() end)
            end)
            print(err)
            script.unload()
            """);

        var line = Assert.Single(output.Prints);
        Assert.Contains($":2: bad argument #2 to 'get' ({message}", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MaxBodyAboveTheMemoryLimit_IsFineWhenStreamed()
    {
        var output = await RunAsync("""
            local req = net.http:get("http://127.0.0.1:1/", { max_body = 100000000, on_chunk = function() end, connect_timeout = 1 }, function(r)
              print(r.ok)
              script.unload()
            end)
            """);

        Assert.Equal("false", Assert.Single(output.Prints));
    }

    [Fact]
    public async Task LastEventIdWithALineBreak_IsRefusedWithoutSending()
    {
        var output = await RunAsync("""
            net.http:get("http://127.0.0.1:1/", { last_event_id = "1\r\nX-Evil: 1" }, function(r)
              print(r.status, r.ok, r.error)
              script.unload()
            end)
            """);

        Assert.Equal("0\tfalse\trefused: last_event_id contains a line break", Assert.Single(output.Prints));
    }

    private static Task<RecordingOutput> RunAsync(string lua) => EngineRunner.RunToEndAsync(lua, TimeSpan.FromSeconds(60));
}
