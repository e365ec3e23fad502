namespace LocalLlm.Engine.Kv;

/// <summary>
/// Doubly linked list of free blocks in eviction order: the head is taken first. Uncached blocks go to the head
/// (nothing is lost by reusing them), cached ones to the tail, so cached blocks are evicted least recently freed first.
/// </summary>
internal sealed class FreeBlockQueue
{
    private KvBlock? _head;
    private KvBlock? _tail;

    public int Count { get; private set; }

    public KvBlock PopFront()
    {
        KvBlock block = _head ?? throw new InvalidOperationException("No free block.");
        Remove(block);
        return block;
    }

    public void Append(KvBlock block)
    {
        Link(block);
        block.Previous = _tail;
        if (_tail is null)
        {
            _head = block;
        }
        else
        {
            _tail.Next = block;
        }

        _tail = block;
    }

    public void Prepend(KvBlock block)
    {
        Link(block);
        block.Next = _head;
        if (_head is null)
        {
            _tail = block;
        }
        else
        {
            _head.Previous = block;
        }

        _head = block;
    }

    public void Remove(KvBlock block)
    {
        if (!block.InFreeQueue)
        {
            throw new InvalidOperationException($"Block {block.Id} is not in the free queue.");
        }

        if (block.Previous is null)
        {
            _head = block.Next;
        }
        else
        {
            block.Previous.Next = block.Next;
        }

        if (block.Next is null)
        {
            _tail = block.Previous;
        }
        else
        {
            block.Next.Previous = block.Previous;
        }

        block.Previous = null;
        block.Next = null;
        block.InFreeQueue = false;
        Count--;
    }

    public IEnumerable<KvBlock> InOrder()
    {
        for (KvBlock? block = _head; block is not null; block = block.Next)
        {
            yield return block;
        }
    }

    private void Link(KvBlock block)
    {
        if (block.InFreeQueue)
        {
            throw new InvalidOperationException($"Block {block.Id} is already in the free queue.");
        }

        block.InFreeQueue = true;
        Count++;
    }
}
