"""`python -m training.train_sentiment`: train only the sentiment head (see training.train)."""

from training.train import main

if __name__ == "__main__":
    raise SystemExit(main(default_heads=["sentiment"]))
