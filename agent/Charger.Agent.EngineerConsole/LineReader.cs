using System.Buffers;

namespace Charger.Agent.EngineerConsole;

/// <summary>Reads newline-terminated lines of at most a given number of bytes from a stream.</summary>
internal sealed class LineReader(Stream stream, int maxBytes)
{
    private readonly byte[] _buffer = new byte[4096];
    private readonly ArrayBufferWriter<byte> _line = new();
    private int _start;
    private int _end;

    /// <summary>The next line without its newline (and without a trailing CR); null at the end of the stream.</summary>
    /// <exception cref="InvalidDataException">The line is longer than the limit.</exception>
    public async Task<byte[]?> ReadLineAsync(CancellationToken cancellationToken)
    {
        _line.ResetWrittenCount();
        while (true)
        {
            if (_start < _end)
            {
                var span = _buffer.AsSpan(_start, _end - _start);
                var nl = span.IndexOf((byte)'\n');
                var take = nl >= 0 ? nl : span.Length;
                if (_line.WrittenCount + take > maxBytes)
                {
                    throw new InvalidDataException($"line longer than {maxBytes} bytes");
                }

                _line.Write(span[..take]);
                _start += nl >= 0 ? nl + 1 : take;
                if (nl >= 0)
                {
                    var line = _line.WrittenSpan;
                    return (line.Length > 0 && line[^1] == '\r' ? line[..^1] : line).ToArray();
                }
            }

            _start = 0;
            _end = await stream.ReadAsync(_buffer, cancellationToken).ConfigureAwait(false);
            if (_end == 0)
            {
                return _line.WrittenCount > 0 ? _line.WrittenSpan.ToArray() : null;
            }
        }
    }
}
