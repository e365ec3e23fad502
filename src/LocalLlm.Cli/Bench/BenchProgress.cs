using Spectre.Console;

namespace LocalLlm.Cli.Bench;

/// <summary>Where a run reports its progress: a live bar on a terminal, plain lines elsewhere (CI logs, files).</summary>
internal interface IBenchProgress
{
    void Begin(string run, int requests);

    /// <summary>One request finished; called from many tasks at once.</summary>
    void Advance();

    void End(BenchmarkResult result);
}

/// <summary>Plain lines: the start and end of each run, and every quarter of its requests.</summary>
internal sealed class PlainProgress(TextWriter output) : IBenchProgress
{
    private readonly Lock _lock = new();
    private string _run = "";
    private int _total;
    private int _done;

    public void Begin(string run, int requests)
    {
        lock (_lock)
        {
            (_run, _total, _done) = (run, requests, 0);
            output.WriteLine($"{run}: {requests} requests");
        }
    }

    public void Advance()
    {
        lock (_lock)
        {
            _done++;
            if (_done < _total && _done % Math.Max(1, _total / 4) == 0)
            {
                output.WriteLine($"{_run}: {_done}/{_total}");
            }
        }
    }

    public void End(BenchmarkResult result) =>
        output.WriteLine(FormattableString.Invariant(
            $"{_run}: done in {result.Duration:F1} s, {result.Completed} completed, {result.Failed} failed, {result.OutputThroughput:F1} output tok/s"));
}

/// <summary>A Spectre.Console progress bar per run, inside the caller's live progress context.</summary>
internal sealed class SpectreProgress(ProgressContext context) : IBenchProgress
{
    private ProgressTask? _task;

    public void Begin(string run, int requests) => _task = context.AddTask(Markup.Escape(run), maxValue: requests);

    public void Advance() => _task?.Increment(1);

    public void End(BenchmarkResult result)
    {
        if (_task is not null)
        {
            _task.Description += Markup.Escape(FormattableString.Invariant($" · {result.OutputThroughput:F0} tok/s, {result.Failed} failed"));
            _task.StopTask();
        }
    }
}
