using LocalLlm.Engine.Kv;

namespace LocalLlm.Engine.Tests.Kv;

/// <summary>
/// A model of llama.cpp's unified KV cache: a cell has a position, the prefix it was computed for, and the set of
/// sequences holding it; it is free when no sequence holds it. A sequence holds at most one cell per position.
/// </summary>
internal sealed class SimulatedCells : IKvCells
{
    private readonly Dictionary<int, Dictionary<int, Cell>> _bySequence = [];

    public int LiveCells => _bySequence.Values.SelectMany(s => s.Values).Distinct().Count();

    /// <summary>Cells that only sequences matching <paramref name="holds"/> hold.</summary>
    public int CellsHeldOnlyBy(Func<int, bool> holds) =>
        _bySequence.Values.SelectMany(s => s.Values).Distinct().Count(c => c.Holders.Count > 0 && c.Holders.All(holds));

    /// <summary>What the model computed: the cell at <paramref name="position"/> of <paramref name="sequence"/> for this prefix.</summary>
    public void Compute(int sequence, int position, ulong prefixIdentity)
    {
        Dictionary<int, Cell> cells = Sequence(sequence);
        if (cells.ContainsKey(position))
        {
            throw new InvalidOperationException($"sequence {sequence} already has a cell at position {position}");
        }

        var cell = new Cell(position, prefixIdentity);
        cell.Holders.Add(sequence);
        cells[position] = cell;
    }

    public ulong? PrefixAt(int sequence, int position) =>
        _bySequence.TryGetValue(sequence, out var cells) && cells.TryGetValue(position, out Cell? cell) ? cell.PrefixIdentity : null;

    public int CountOf(int sequence) => _bySequence.TryGetValue(sequence, out var cells) ? cells.Count : 0;

    public void Share(int source, int target, int fromPos, int toPos)
    {
        Dictionary<int, Cell> targetCells = Sequence(target);
        foreach (Cell cell in Sequence(source).Values.Where(c => c.Position >= fromPos && (toPos < 0 || c.Position < toPos)).ToArray())
        {
            if (targetCells.TryGetValue(cell.Position, out Cell? existing) && !ReferenceEquals(existing, cell))
            {
                throw new InvalidOperationException($"sequence {target} would hold two cells at position {cell.Position}");
            }

            targetCells[cell.Position] = cell;
            cell.Holders.Add(target);
        }
    }

    public void Drop(int sequence, int fromPos, int toPos)
    {
        Dictionary<int, Cell> cells = Sequence(sequence);
        foreach (Cell cell in cells.Values.Where(c => c.Position >= fromPos && (toPos < 0 || c.Position < toPos)).ToArray())
        {
            cells.Remove(cell.Position);
            cell.Holders.Remove(sequence);
        }
    }

    private Dictionary<int, Cell> Sequence(int sequence)
    {
        if (!_bySequence.TryGetValue(sequence, out var cells))
        {
            _bySequence[sequence] = cells = [];
        }

        return cells;
    }

    private sealed class Cell(int position, ulong prefixIdentity)
    {
        public int Position { get; } = position;

        public ulong PrefixIdentity { get; } = prefixIdentity;

        public HashSet<int> Holders { get; } = [];
    }
}
