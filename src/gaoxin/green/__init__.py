"""Green and low-carbon: energy per firm and period in standard coal, intensities, shares, CO₂, benchmarks.

Pure core (no Django): ``units`` (physical units), ``coefficients`` (versioned coefficient and emission
factor sets, loaded from data files with their source: nothing about a fuel is a constant in code),
``certificates`` (绿证 serial numbers and their overlaps), ``energy`` (one firm's period: 综合能耗, shares,
CO₂), ``benchmarks`` (标杆 / 基准 positions) and ``zone`` (the zone roll-up, contributions, the green list
criteria). See docs/en/green.md.
"""
