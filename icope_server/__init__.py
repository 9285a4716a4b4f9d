"""Reference regional ICOPE server: FHIR R4 over HTTPS (FastAPI + SQLAlchemy)."""
