"""Course-by-course serving (第8条): course states, the kitchen screens, the waiter's tables
by what needs them, and the service timings for the reports.

- courses.py: party_courses, fire_course, mark_served, held_by_send (the send's rule, for
  the read-back's "fire now" choices).
- kitchen.py: kitchen_board, kitchen_marker, bump_item, bump_ticket, recall_ticket,
  rush_ticket (board.py builds the tickets; station_times.py sets amber and red).
- tables.py: tables_by_need, waiter_alerts, mark_done.
- timings.py: service_timings.
- rushing.py: rush_course (the waiter's rush of a course already cooking).
- firing.py: what the send, a void and a move call inside their own transaction;
  moves.py: the "moved" paper a move prints for the stations cooking for the party.
"""
