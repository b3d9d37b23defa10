"""The green app: green and low-carbon: firm energy data, standard coal, intensities, green power, the zone's targets."""
