"""The track editor's model, without pygame: what is being edited and what is wrong with it.

* :mod:`game.editor.draft`: the track being edited (control points, widths, name), every edit one undo step.
* :mod:`game.editor.geometry`: its centre line and edges, built exactly as :class:`game.sim.track.Track` builds them,
  even while the draft is not yet a valid track.
* :mod:`game.editor.validation`: the problems of a draft, each with a place on the track and a short reason.
* :mod:`game.editor.simplify`: thinning the dense control points of imported circuits to an editable number.
* :mod:`game.editor.view`: zoom, pan and grid snapping (metres to screen pixels and back).

The pygame scene lives in :mod:`game.ui.scenes.editor.scene`. Nothing in this package imports pygame.
"""
