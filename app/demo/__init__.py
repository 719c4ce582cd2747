"""`tryghed demo`: a simulated team through many rounds, end to end on the embedded default."""
