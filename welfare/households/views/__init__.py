"""Officer and head pages of households, people, reviews and cards, one module per subject."""
