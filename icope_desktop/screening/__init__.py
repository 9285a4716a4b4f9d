"""screening layer (see docs/ARCHITECTURE.md)."""
