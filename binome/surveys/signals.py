"""What the surveys app tells the apps above it, which it does not import.

`response_submitted` is sent by `services.submit_response` inside its transaction, with the
`response` and the `actor`: a receiver's writes commit or roll back with the answers. The impact
app records the outcomes a response reports (binome/impact/survey_outcomes.py), so the answers
and their outcomes always agree.
"""

from django.dispatch import Signal

response_submitted = Signal()
