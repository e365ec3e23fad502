namespace LocalLlm.Engine.Sampling;

/// <summary>
/// The last <see cref="Capacity"/> accepted tokens of a sequence with their occurrence counts, as llama.cpp's
/// penalties sampler keeps them: a ring buffer, so the oldest token stops counting once the window is full.
/// </summary>
internal sealed class PenaltyHistory
{
    private readonly int[] _ring;
    private readonly Dictionary<int, int> _counts = [];
    private int _next;
    private int _size;

    public PenaltyHistory(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        _ring = new int[capacity];
    }

    public int Capacity => _ring.Length;

    public IReadOnlyDictionary<int, int> Counts => _counts;

    public void Add(int token)
    {
        if (_ring.Length == 0)
        {
            return;
        }

        if (_size == _ring.Length)
        {
            int oldest = _ring[_next];
            int count = _counts[oldest] - 1;
            if (count == 0)
            {
                _counts.Remove(oldest);
            }
            else
            {
                _counts[oldest] = count;
            }
        }
        else
        {
            _size++;
        }

        _ring[_next] = token;
        _next = (_next + 1) % _ring.Length;
        _counts[token] = _counts.GetValueOrDefault(token) + 1;
    }
}
