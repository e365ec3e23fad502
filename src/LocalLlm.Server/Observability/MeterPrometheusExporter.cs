using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;
using LocalLlm.Engine.Metrics;

namespace LocalLlm.Server.Observability;

/// <summary>
/// Listens to the engine's meter and writes it in Prometheus text format, under the instrument names themselves
/// (the engine names instruments as Prometheus metrics). Counters and histograms accumulate from the moment the
/// exporter starts; gauges are read at each scrape.
/// </summary>
internal sealed class MeterPrometheusExporter : IDisposable
{
    private static readonly double[] SecondsBuckets = [0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 20, 40, 80];
    private static readonly double[] TokenBuckets = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000, 100000];

    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, Family> _families = new(StringComparer.Ordinal);
    private readonly Lock _scrape = new();

    // Measurements arrive per generated token with the same few tag sets; their label text is built once.
    private readonly ConcurrentDictionary<LabelKey, string> _labels = new();

    public MeterPrometheusExporter()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == EngineMetrics.MeterName)
            {
                _families.GetOrAdd(instrument.Name, _ => new Family(instrument));
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.Start();
    }

    public void Dispose() => _listener.Dispose();

    public string Scrape()
    {
        var text = new StringBuilder();
        lock (_scrape)
        {
            foreach (Family family in _families.Values.Where(f => f.Kind == Kind.Gauge))
            {
                family.Series.Clear();
            }

            _listener.RecordObservableInstruments();
            foreach (Family family in _families.Values.OrderBy(f => f.Name, StringComparer.Ordinal))
            {
                family.Write(text);
            }
        }

        return text.ToString();
    }

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (_families.TryGetValue(instrument.Name, out Family? family))
        {
            family.Record(CachedLabels(tags), value);
        }
    }

    private string CachedLabels(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.Length > 2)
        {
            return Labels(tags);
        }

        var key = new LabelKey(
            tags.Length > 0 ? tags[0].Key : null,
            tags.Length > 0 ? tags[0].Value : null,
            tags.Length > 1 ? tags[1].Key : null,
            tags.Length > 1 ? tags[1].Value : null);
        if (!_labels.TryGetValue(key, out string? labels))
        {
            labels = _labels.GetOrAdd(key, Labels(tags));
        }

        return labels;
    }

    private static string Labels(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.IsEmpty)
        {
            return string.Empty;
        }

        var pairs = tags.ToArray();
        Array.Sort(pairs, (a, b) => string.CompareOrdinal(a.Key, b.Key));
        return string.Join(',', pairs.Select(p => $"{p.Key}=\"{Escape(Convert.ToString(p.Value, CultureInfo.InvariantCulture) ?? "")}\""));
    }

    private static string Escape(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal)
        .Replace("\"", "\\\"", StringComparison.Ordinal)
        .Replace("\n", "\\n", StringComparison.Ordinal);

    private readonly record struct LabelKey(string? Key1, object? Value1, string? Key2, object? Value2);

    private enum Kind
    {
        Counter,
        Gauge,
        Histogram,
    }

    private sealed class Family(Instrument instrument)
    {
        public string Name { get; } = instrument.Name;

        public Kind Kind { get; } = instrument switch
        {
            Counter<long> or Counter<int> or Counter<double> => Kind.Counter,
            Histogram<long> or Histogram<int> or Histogram<double> => Kind.Histogram,
            _ => Kind.Gauge,
        };

        public ConcurrentDictionary<string, Series> Series { get; } = new(StringComparer.Ordinal);

        private double[] Buckets { get; } = instrument.Unit == "s" ? SecondsBuckets : TokenBuckets;

        public void Record(string labels, double value) =>
            Series.GetOrAdd(labels, _ => new Series(Buckets.Length)).Add(Kind, Buckets, value);

        public void Write(StringBuilder text)
        {
            string type = Kind switch { Kind.Counter => "counter", Kind.Histogram => "histogram", _ => "gauge" };
            text.Append("# HELP ").Append(Name).Append(' ').Append(instrument.Description).Append('\n');
            text.Append("# TYPE ").Append(Name).Append(' ').Append(type).Append('\n');
            foreach ((string labels, Series series) in Series.OrderBy(s => s.Key, StringComparer.Ordinal))
            {
                series.Write(text, Name, labels, Kind, Buckets);
            }
        }
    }

    private sealed class Series(int buckets)
    {
        private readonly long[] _bucketCounts = new long[buckets];
        private readonly Lock _gate = new();
        private double _sum;
        private long _count;

        public void Add(Kind kind, double[] bounds, double value)
        {
            lock (_gate)
            {
                if (kind == Kind.Gauge)
                {
                    _sum = value;
                    return;
                }

                _sum += value;
                _count++;
                if (kind == Kind.Histogram)
                {
                    for (int bucket = 0; bucket < bounds.Length; bucket++)
                    {
                        if (value <= bounds[bucket])
                        {
                            _bucketCounts[bucket]++;
                            break;
                        }
                    }
                }
            }
        }

        public void Write(StringBuilder text, string name, string labels, Kind kind, double[] bounds)
        {
            lock (_gate)
            {
                if (kind != Kind.Histogram)
                {
                    Line(text, name, labels, _sum);
                    return;
                }

                long cumulative = 0;
                for (int i = 0; i < bounds.Length; i++)
                {
                    cumulative += _bucketCounts[i];
                    Line(text, name + "_bucket", Join(labels, $"le=\"{bounds[i].ToString(CultureInfo.InvariantCulture)}\""), cumulative);
                }

                Line(text, name + "_bucket", Join(labels, "le=\"+Inf\""), _count);
                Line(text, name + "_sum", labels, _sum);
                Line(text, name + "_count", labels, _count);
            }
        }

        private static string Join(string labels, string extra) => labels.Length == 0 ? extra : labels + "," + extra;

        private static void Line(StringBuilder text, string name, string labels, double value)
        {
            text.Append(name);
            if (labels.Length > 0)
            {
                text.Append('{').Append(labels).Append('}');
            }

            text.Append(' ').Append(value.ToString("R", CultureInfo.InvariantCulture)).Append('\n');
        }
    }
}
