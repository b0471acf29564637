"""Bad-input corpus: small datasets derived from the sample, each with one defect."""
