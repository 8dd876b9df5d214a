using System.Composition;
using PluginNet.Core.Transports;
using PluginNet.Host.Engine;
using PluginNet.Host.Plugins;
using PluginNet.TestSupport;

namespace PluginNet.Host.Tests;

/// <summary>Every transport is described once, and what the host does with plugins follows the descriptors.</summary>
public class TransportDescriptorTests
{
    [Fact]
    public void All_EveryTransport_HasItsOwnKeyContractGlueAndBinder()
    {
        var kinds = TransportKind.All;

        Assert.Equal(kinds.Count, kinds.Select(k => k.Key).Distinct().Count());
        Assert.Equal(kinds.Count, kinds.Select(k => k.Contract).Distinct().Count());
        Assert.All(kinds, k =>
        {
            Assert.True(k.Contract.IsInterface, $"{k.Key}: the contract is a Core interface");
            Assert.Equal(typeof(IHttpTransport).Assembly, k.Contract.Assembly);
            Assert.NotNull(typeof(PluginNetEngine).Assembly.GetManifestResourceInfo($"PluginNet.Glue.{k.GlueFile}.lua"));
            Assert.NotNull(k.CreateBinder(null!));
            Assert.Same(k, TransportKind.ForContract(k.Contract));
            Assert.True(TransportKind.TryParse(k.Key, out var parsed) && parsed == k);
        });
    }

    [Fact]
    public void UnknownContracts_ExportOfAContractNoTransportServes_IsNamed()
    {
        var unknown = PluginManager.UnknownContracts([typeof(KnownExport), typeof(UnknownExport), typeof(string)]);

        Assert.Equal([typeof(IUnknownTransport)], unknown);
    }

    [Fact]
    public async Task LoadPlugins_TwoEnabledPluginsServeHttpWithNoChoice_ReportedNamingBoth()
    {
        var output = new RecordingOutput();
        await using var engine = new PluginNetEngine(new EngineOptions { Output = output });

        engine.LoadPlugins(PluginConfig.Parse(Path.Combine(LuaScripts.NewFolder(), "plugins.json"), HttpAndReplay(transports: "")));

        var warning = Assert.Single(output.Logs, l => l.Level == LogLevel.Warn);
        Assert.Contains("'Http' and 'Replay' all serve http", warning.Message);
        Assert.Contains("\"transports\": { \"http\": \"Http\" }", warning.Message);
        Assert.Equal("Http", engine.Transports.ProviderOf(TransportKind.Http));
    }

    [Fact]
    public async Task LoadPlugins_TwoPluginsServeHttpAndTransportsChooses_NothingReported()
    {
        var output = new RecordingOutput();
        await using var engine = new PluginNetEngine(new EngineOptions { Output = output });

        engine.LoadPlugins(PluginConfig.Parse(Path.Combine(LuaScripts.NewFolder(), "plugins.json"), HttpAndReplay(transports: """, "transports": { "http": "Replay" }""")));

        Assert.Empty(output.Logs);
        Assert.Equal("Replay", engine.Transports.ProviderOf(TransportKind.Http));
    }

    [Fact]
    public void Pin_TransportOfAnotherContract_Refused()
    {
        var registry = new TransportRegistry();

        var error = Assert.Throws<ArgumentException>(() => registry.Pin(TransportKind.WebSocketClient, "Wrong", NSubstitute.Substitute.For<IHttpTransport>()));

        Assert.Contains("ws transport contract", error.Message);
        Assert.Null(registry.ProviderOf(TransportKind.WebSocketClient));
    }

    private static string HttpAndReplay(string transports)
    {
        var plugins = Path.Combine(RepoPaths.Root, "artifacts", "plugins").Replace("\\", "/");
        return $$"""
            {
              "plugins": [
                { "name": "Http", "path": "{{plugins}}/Http/PluginNet.Plugins.Http.dll" },
                { "name": "Replay", "path": "{{plugins}}/Replay/PluginNet.Plugins.Replay.dll", "settings": { "mode": "replay", "cassettes": "cassettes" } }
              ]{{transports}}
            }
            """;
    }

    public interface IUnknownTransport;

    [Export(typeof(IHttpTransport))]
    private sealed class KnownExport;

    [Export(typeof(IUnknownTransport))]
    private sealed class UnknownExport;
}
