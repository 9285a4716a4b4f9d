"""letters layer (see docs/ARCHITECTURE.md)."""
