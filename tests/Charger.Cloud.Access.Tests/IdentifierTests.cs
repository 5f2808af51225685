
namespace Charger.Cloud.Access.Tests;

/// <summary>User and customer ids are whole-string matches: a trailing newline ('$' matches before it) is not an id.</summary>
public sealed class IdentifierTests
{
    [Theory]
    [InlineData("li.wei")]
    [InlineData("eng-07")]
    public void A_user_id_of_lower_case_letters_digits_and_dot_dash_underscore_is_valid(string id) => Assert.True(UserStore.IsValidUserId(id));

    [Theory]
    [InlineData("admin\n")]
    [InlineData("admin\r\n")]
    [InlineData("\nadmin")]
    [InlineData("Admin")]
    [InlineData("")]
    public void A_user_id_with_a_newline_or_outside_the_pattern_is_refused(string id) => Assert.False(UserStore.IsValidUserId(id));

    [Theory]
    [InlineData("C-1\n")]
    [InlineData("C-1\r\n")]
    [InlineData("")]
    [InlineData("C 1")]
    public void A_customer_id_with_a_newline_or_outside_the_pattern_is_refused(string id) => Assert.False(CustomerStore.IsValidId(id));

    [Fact]
    public void A_customer_id_of_letters_digits_and_dot_dash_underscore_is_valid() => Assert.True(CustomerStore.IsValidId("C-2026.001_a"));
}
