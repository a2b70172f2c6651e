"""Course-by-course serving (第8条): course states, the kitchen screens, the waiter's tables
by what needs them, and the service timings for the reports."""
