"""Per-unit tagging: journey stage, sentiment, emotion and customer effort."""
