"""`python -m training.train_effort`: train only the effort head (see training.train)."""

from training.train import main

if __name__ == "__main__":
    raise SystemExit(main(default_heads=["effort"]))
