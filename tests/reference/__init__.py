"""Independent reference implementations and data for the tests (see README.md)."""
