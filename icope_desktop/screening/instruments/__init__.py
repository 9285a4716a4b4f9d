"""One module per instrument definition (clinical spec §2 and §3)."""
