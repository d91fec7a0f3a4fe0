"""Benchmark: Frictionmap's mining pipeline vs BERTopic on the labeled sets in ../shared/datasets."""
