"""`python -m training.train_emotion`: train only the emotion head (see training.train)."""

from training.train import main

if __name__ == "__main__":
    raise SystemExit(main(default_heads=["emotion"]))
