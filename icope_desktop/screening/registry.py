"""Every instrument, by id (DESIGN.md: `step1`, `mmse`, `mna_sf`, `mna`, `sppb`,
`snellen`, `phq9`, `hearing`). Adding an instrument = one module + one line here."""

from __future__ import annotations

from types import MappingProxyType

from icope_desktop.screening.errors import UnknownInstrumentError
from icope_desktop.screening.instruments.hearing import HEARING
from icope_desktop.screening.instruments.mmse import MMSE
from icope_desktop.screening.instruments.mna import MNA, MNA_SF
from icope_desktop.screening.instruments.phq9 import PHQ9
from icope_desktop.screening.instruments.snellen import SNELLEN
from icope_desktop.screening.instruments.sppb import SPPB
from icope_desktop.screening.instruments.step1 import STEP1
from icope_desktop.screening.model import Instrument

ALL_INSTRUMENTS: tuple[Instrument, ...] = (STEP1, MMSE, MNA_SF, MNA, SPPB, SNELLEN, PHQ9, HEARING)
INSTRUMENTS = MappingProxyType({instrument.id: instrument for instrument in ALL_INSTRUMENTS})


def get_instrument(instrument_id: str) -> Instrument:
    """The instrument with this id; `UnknownInstrumentError` (a KeyError) otherwise."""
    if isinstance(instrument_id, str) and instrument_id in INSTRUMENTS:
        return INSTRUMENTS[instrument_id]
    raise UnknownInstrumentError(instrument_id, tuple(INSTRUMENTS))
