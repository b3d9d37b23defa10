"""The data: canonical fields (dictionary), the dataset frames, synthetic populations."""
