"""Workers: the composition root that builds the broker, its middleware and the actors.

Run one lane with ``python -m workers <lane>``; nothing imports this package.
"""
