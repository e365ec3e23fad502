using LocalLlm.Engine.Backend;

namespace LocalLlm.Backends.Onnx;

public sealed partial class OnnxBackend
{
    /// <summary>
    /// One step of sequence length 1 over rows [0, DecodeRows). A row without a token this step gets a dummy at its
    /// length: its mask covers that one extra position, so the model writes the dummy's KV just past the row's valid
    /// prefix, where the row's next real token overwrites it; the row's length and its logits are left alone.
    /// </summary>
    private void RunDecode(ReadOnlySpan<BatchToken> tokens, DecodePlan plan)
    {
        int rows = plan.DecodeRows;
        var ids = new long[rows];
        var positions = new long[rows];
        int width = 0;
        for (int row = 0; row < rows; row++)
        {
            width = Math.Max(width, _lengths[row] + 1);
        }

        var mask = new long[rows * width];
        for (int row = 0; row < rows; row++)
        {
            int index = plan.DecodeBatchIndex[row];
            ids[row] = index >= 0 ? tokens[index].Token : 0;

            // A dummy's position only feeds its own rotary embedding; any valid position will do.
            positions[row] = index >= 0 ? _lengths[row] : Math.Min(_lengths[row], SequenceLength - 1);
            mask.AsSpan(row * width, _lengths[row] + 1).Fill(1);
        }

        var wanted = new List<(int Row, int BatchIndex)>(rows);
        for (int row = 0; row < rows; row++)
        {
            int index = plan.DecodeBatchIndex[row];
            if (index >= 0 && tokens[index].WantLogits)
            {
                wanted.Add((row, index));
            }
        }

        _session.Run(ids, positions, mask, rows, 1, width, _kv.LeadingRows(rows), logits =>
        {
            foreach ((int row, int index) in wanted)
            {
                _logits.Store(index, logits, row);
            }
        });

        for (int row = 0; row < rows; row++)
        {
            if (plan.DecodeBatchIndex[row] >= 0)
            {
                _lengths[row]++;
            }
        }
    }

    /// <summary>One prompt chunk, batch 1, over the views of its own row only.</summary>
    private void RunPrefill(ReadOnlySpan<BatchToken> tokens, PrefillRun prefill)
    {
        int past = _lengths[prefill.Sequence];
        var ids = new long[prefill.Count];
        var positions = new long[prefill.Count];
        for (int i = 0; i < prefill.Count; i++)
        {
            ids[i] = tokens[prefill.FirstBatchIndex + i].Token;
            positions[i] = past + i;
        }

        var mask = new long[past + prefill.Count];
        mask.AsSpan().Fill(1);
        BatchToken[] chunk = tokens.Slice(prefill.FirstBatchIndex, prefill.Count).ToArray();
        _session.Run(ids, positions, mask, 1, prefill.Count, mask.Length, _kv.Row(prefill.Sequence), logits =>
        {
            for (int i = 0; i < chunk.Length; i++)
            {
                if (chunk[i].WantLogits)
                {
                    _logits.Store(prefill.FirstBatchIndex + i, logits, i);
                }
            }
        });

        _lengths[prefill.Sequence] = past + prefill.Count;
    }
}
