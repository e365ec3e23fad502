namespace LocalLlm.Cli.Bench;

/// <summary>
/// Gaps between request arrivals as `vllm bench serve` draws them: none for an infinite rate, otherwise gamma
/// distributed with shape = burstiness and scale = 1 / (rate × burstiness), so the mean gap is 1 / rate for every
/// burstiness; burstiness 1 is a Poisson process (exponential gaps), below 1 burstier, above 1 more uniform.
/// </summary>
internal sealed class ArrivalSchedule(double requestRate, double burstiness, int seed)
{
    private readonly Random _random = new(seed);

    public bool IsUnlimited => double.IsPositiveInfinity(requestRate);

    /// <summary>Seconds to wait before the next request.</summary>
    public double NextGap() => IsUnlimited ? 0 : Gamma(burstiness, 1.0 / (requestRate * burstiness));

    /// <summary>Marsaglia and Tsang's method; shapes below 1 through Gamma(shape + 1) × U^(1/shape).</summary>
    private double Gamma(double shape, double scale)
    {
        if (shape < 1)
        {
            return Gamma(shape + 1, scale) * Math.Pow(1 - _random.NextDouble(), 1 / shape);
        }

        double d = shape - (1.0 / 3);
        double c = 1 / Math.Sqrt(9 * d);
        while (true)
        {
            double x;
            double v;
            do
            {
                x = Normal();
                v = 1 + (c * x);
            }
            while (v <= 0);

            v = v * v * v;
            double u = 1 - _random.NextDouble();
            if (Math.Log(u) < (0.5 * x * x) + d - (d * v) + (d * Math.Log(v)))
            {
                return d * v * scale;
            }
        }
    }

    private double Normal()
    {
        double u1 = 1 - _random.NextDouble();
        double u2 = _random.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
