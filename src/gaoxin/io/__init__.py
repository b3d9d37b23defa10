"""Pure input/output: readers for department files, USCC checks, writers for results."""
