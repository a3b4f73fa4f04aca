"""Health codes, verified offline: GX1, HC1 and online-only issuer codes (Qt-free).

The entry points:

- :class:`app.codes.verifier.CodeVerifier` — ``verify(text, now, floor=, history=)`` →
  :class:`app.codes.results.CodeResult`; never raises.
- :func:`app.codes.status.lookup_id` — manual ID entry against the status list.
- :class:`app.codes.rules.DecisionRules` — ``decide(Screening)`` → :class:`Decision`.
- :mod:`app.codes.trust` — :class:`TrustState` and the installation rules.
- :mod:`app.codes.checkpoint` — building all of it from the station store.
"""
