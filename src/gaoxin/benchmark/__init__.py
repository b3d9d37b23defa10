"""Zone benchmarking (对标对表), pure: zone-year facts from the registry, peer sets, gaps to the peer
level and firm contributions, on a composite model such as ``zone-eval-2021`` (no Django)."""
