"""What on-call uses: the fleet's status, its alerts, and the dead-letter operations it drives."""
