using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using LocalLlm.Engine.Metrics;

namespace LocalLlm.Cli.Commands;

/// <summary>
/// Listens to the engine's meter and aggregates every measurement the way the server's Prometheus exporter does
/// (label string per measurement, series lookup, a lock, bucket search), so `bench-engine --metrics on` pays the
/// recording cost a served engine pays, not just the cost of instruments nobody listens to.
/// </summary>
internal sealed class MetricsSink : IDisposable
{
    private static readonly double[] Buckets = [0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 20, 40, 80];

    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, Series> _series = new(StringComparer.Ordinal);

    public MetricsSink()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == EngineMetrics.MeterName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.Start();
    }

    public void Dispose() => _listener.Dispose();

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        KeyValuePair<string, object?>[] pairs = tags.ToArray();
        Array.Sort(pairs, (a, b) => string.CompareOrdinal(a.Key, b.Key));
        string key = instrument.Name + "{" + string.Join(',', pairs.Select(p => $"{p.Key}=\"{Convert.ToString(p.Value, CultureInfo.InvariantCulture)}\"")) + "}";
        _series.GetOrAdd(key, _ => new Series()).Add(value);
    }

    private sealed class Series
    {
        private readonly long[] _buckets = new long[Buckets.Length];
        private readonly Lock _gate = new();
        private double _sum;
        private long _count;

        public void Add(double value)
        {
            lock (_gate)
            {
                _sum += value;
                _count++;
                int bucket = Array.FindIndex(Buckets, b => value <= b);
                if (bucket >= 0)
                {
                    _buckets[bucket]++;
                }
            }
        }
    }
}
