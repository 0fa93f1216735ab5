"""Human review of cases: the queue, claims, field edits, match choice, packet split, comments, history."""
