"""Analysis on top of the model: runs, comparisons, figures and the kasvu CLI."""
