using System.Reflection;
using Xunit.Sdk;

namespace PluginNet.TestSupport;

/// <summary>
/// Fails a test that looked up a name through the machine's resolver or connected outside loopback
/// (<see cref="LoopbackGuard"/>). Every test project that uses this support applies it to its whole
/// assembly (tests/Directory.Build.props).
/// </summary>
[AttributeUsage(AttributeTargets.Assembly | AttributeTargets.Class | AttributeTargets.Method)]
public sealed class LoopbackOnlyAttribute : BeforeAfterTestAttribute
{
    private static readonly AsyncLocal<LoopbackGuard.Watch?> Watch = new();

    /// <inheritdoc />
    public override void Before(MethodInfo methodUnderTest)
    {
        ArgumentNullException.ThrowIfNull(methodUnderTest);
        Watch.Value = LoopbackGuard.Begin($"{methodUnderTest.DeclaringType?.Name}.{methodUnderTest.Name}");
    }

    /// <inheritdoc />
    public override void After(MethodInfo methodUnderTest)
    {
        if (Watch.Value is not { } watch)
        {
            return;
        }

        watch.Dispose();
        Watch.Value = null;
        if (watch.Violations.Count > 0)
        {
            throw new InvalidOperationException(
                $"{watch.Name} left the machine's loopback (tests talk to 127.0.0.1 / ::1 only and resolve names through a resolver they give the engine):{Environment.NewLine}  "
                + string.Join(Environment.NewLine + "  ", watch.Violations.Distinct()));
        }
    }
}
