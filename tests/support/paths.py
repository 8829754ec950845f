"""Where the tests find the repository, the shared reference material and their own data."""

from __future__ import annotations

from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
REPO_ROOT = TESTS.parent
#: The read-only reference material beside the repository (never copied into it).
SHARED = REPO_ROOT.parent / "shared"
#: The one real Atlas capture.
REAL_PAGE = SHARED / "atlas" / "records" / "000_907021ef8160d5c3.txt"
#: The small hand-written captures of tests/records/, one quirk each.
TEST_RECORDS = TESTS / "records"
#: The data model's example graph and other test data that is not a capture.
TEST_DATA = TESTS / "data"
#: The real page and every hand-written record (some are rejected on purpose).
ALL_RECORDS = [REAL_PAGE, *sorted(TEST_RECORDS.glob("*.txt"))]
