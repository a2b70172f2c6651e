"""Course-by-course serving (第8条): the kitchen display and the waiter's side of it."""
