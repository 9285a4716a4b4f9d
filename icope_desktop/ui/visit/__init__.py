"""The visit screens: the guided visit (`VisitPage`) and a patient's history
(`PatientHistory`), drawn from the screening core's instrument definitions.

    page = VisitPage(services, visit_id)          # finished(visit_id), closed(), flush()
    history = PatientHistory(services, patient_id)  # visit list + capacity trend charts

docs/ARCHITECTURE.md "Visit" describes the parts.
"""

from icope_desktop.ui.visit.history import PatientHistory
from icope_desktop.ui.visit.page import VisitPage

__all__ = ["PatientHistory", "VisitPage"]
