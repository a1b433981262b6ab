"""Generated tracks against real circuits, by the numbers.

Usage::

    python -m agents.track_stats circuits generated:200 generated:200:feature_mix_spread=0.3,wide_share=0.3

* :mod:`agents.track_stats.measures`: what one track is made of (corners, straights, braking, widths).
* :mod:`agents.track_stats.compare`: sets of tracks side by side in a markdown table.
* :mod:`agents.track_stats.cli`: the command line (the sets of tracks).
"""
