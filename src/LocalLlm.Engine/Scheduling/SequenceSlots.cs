namespace LocalLlm.Engine.Scheduling;

/// <summary>The backend's sequence ids; each running request holds exactly one.</summary>
internal sealed class SequenceSlots
{
    private readonly Stack<int> _free;

    public SequenceSlots(int count)
    {
        _free = new Stack<int>(Enumerable.Range(0, count).Reverse());
        Capacity = count;
    }

    public int Capacity { get; }

    public int Available => _free.Count;

    public int Take() => _free.Pop();

    public void Return(int sequenceId)
    {
        if (sequenceId < 0 || sequenceId >= Capacity)
        {
            throw new ArgumentOutOfRangeException(nameof(sequenceId));
        }

        _free.Push(sequenceId);
    }
}
