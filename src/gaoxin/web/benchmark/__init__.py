"""The benchmark app: zone benchmarking (对标对表): zones scored on a composite model against peer sets."""
