using Charger.Agent.EngineerConsole.Engineers;

namespace Charger.Agentctl.Tests;

/// <summary>Engineer ids are whole-string matches: a trailing newline ('$' matches before it) is not an id.</summary>
public sealed class EngineerIdTests
{
    [Theory]
    [InlineData("eng-1\n")]
    [InlineData("eng-1\r\n")]
    [InlineData("\neng-1")]
    [InlineData("eng 1")]
    [InlineData("")]
    public void An_engineer_id_with_a_newline_or_outside_the_pattern_is_refused(string id) => Assert.False(EngineerFile.IsValidId(id));

    [Fact]
    public void An_engineer_id_of_letters_digits_and_dot_dash_underscore_at_is_valid() => Assert.True(EngineerFile.IsValidId("li.wei@north-1"));
}
