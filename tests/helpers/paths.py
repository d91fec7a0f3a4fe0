"""Where the shared test data lives, so a test module's depth in the tree does not matter."""

from pathlib import Path

TESTS_DIR = Path(__file__).resolve().parent.parent
ROOT = TESTS_DIR.parent
IMPORT_FIXTURES = TESTS_DIR / "fixtures" / "imports"
JOURNEY_SEED = TESTS_DIR / "data" / "journey_feedback.jsonl"
