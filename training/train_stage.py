"""`python -m training.train_stage`: train only the stage head (see training.train)."""

from training.train import main

if __name__ == "__main__":
    raise SystemExit(main(default_heads=["stage"]))
