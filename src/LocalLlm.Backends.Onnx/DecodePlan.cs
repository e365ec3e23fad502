using LocalLlm.Engine.Backend;

namespace LocalLlm.Backends.Onnx;

/// <summary>A prompt chunk of one sequence: run alone (batch 1) over that row's slice of the KV buffers.</summary>
internal readonly record struct PrefillRun(int Sequence, int FirstBatchIndex, int Count);

/// <summary>
/// How one engine batch maps onto model runs: every sequence with a single token joins one decode run over rows
/// [0, <see cref="DecodeRows"/>), every longer chunk gets its own prefill run. A sequence's tokens must be adjacent
/// in the batch and continue its row: the first at the row's length, each next one position further.
/// </summary>
internal sealed class DecodePlan
{
    private DecodePlan(int[] decodeIndex, int decodeRows, List<PrefillRun> prefills)
    {
        DecodeBatchIndex = decodeIndex;
        DecodeRows = decodeRows;
        Prefills = prefills;
    }

    /// <summary>Per row, the batch index of its decode token, or -1 when the row only gets a dummy token.</summary>
    public int[] DecodeBatchIndex { get; }

    /// <summary>1 + the highest decoding row; 0 when no sequence decodes a single token.</summary>
    public int DecodeRows { get; }

    public List<PrefillRun> Prefills { get; }

    /// <summary>The plan, or null when a row would grow past <paramref name="capacity"/> (no KV slot).</summary>
    /// <exception cref="ArgumentException">A token names a bad sequence, or breaks its row's contiguity.</exception>
    public static DecodePlan? Create(ReadOnlySpan<BatchToken> tokens, IReadOnlyList<int> lengths, int capacity)
    {
        var decodeIndex = new int[lengths.Count];
        Array.Fill(decodeIndex, -1);
        var seen = new bool[lengths.Count];
        var prefills = new List<PrefillRun>();
        int decodeRows = 0;
        int start = 0;
        while (start < tokens.Length)
        {
            int sequence = tokens[start].SequenceId;
            if ((uint)sequence >= (uint)lengths.Count)
            {
                throw new ArgumentException($"Batch token {start} names sequence {sequence}; sequence ids are in [0, {lengths.Count}).", nameof(tokens));
            }

            if (seen[sequence])
            {
                throw new ArgumentException($"The tokens of sequence {sequence} are not adjacent in the batch.", nameof(tokens));
            }

            seen[sequence] = true;
            int end = start;
            while (end < tokens.Length && tokens[end].SequenceId == sequence)
            {
                int expected = lengths[sequence] + (end - start);
                if (tokens[end].Position != expected)
                {
                    throw new ArgumentException(
                        $"Batch token {end} of sequence {sequence} is at position {tokens[end].Position}, but the sequence holds {lengths[sequence]} positions and must continue at {expected}.",
                        nameof(tokens));
                }

                end++;
            }

            if (lengths[sequence] + (end - start) > capacity)
            {
                return null;
            }

            if (end - start == 1)
            {
                decodeIndex[sequence] = start;
                decodeRows = Math.Max(decodeRows, sequence + 1);
            }
            else
            {
                prefills.Add(new PrefillRun(sequence, start, end - start));
            }

            start = end;
        }

        return new DecodePlan(decodeIndex, decodeRows, prefills);
    }
}
