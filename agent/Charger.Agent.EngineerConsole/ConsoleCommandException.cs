using Charger.Agent.EngineerConsole.Contracts;

namespace Charger.Agent.EngineerConsole;

/// <summary>A command refused with a protocol error; nothing was changed unless the code says an audit was recorded.</summary>
public sealed class ConsoleCommandException : Exception
{
    public ConsoleCommandException(string code, string message) : base(message) => Code = code;

    public ConsoleCommandException() : this(ConsoleErrorCodes.Internal, "internal error") { }

    public ConsoleCommandException(string message) : this(ConsoleErrorCodes.BadRequest, message) { }

    public ConsoleCommandException(string message, Exception innerException) : base(message, innerException) => Code = ConsoleErrorCodes.BadRequest;

    /// <summary>One of <see cref="ConsoleErrorCodes"/>.</summary>
    public string Code { get; }

    public ConsoleError ToError() => new(Code, Message);
}
