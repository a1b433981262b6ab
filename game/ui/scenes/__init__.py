"""Scenes: the screens of the game (menu, track select, race, pause, results, settings, editor).

The framework is :mod:`game.ui.scenes.base`: a :class:`~game.ui.scenes.base.Scene` has ``handle_event``,
``update(dt)`` and ``draw(surface)`` (which never changes game state); scenes live on a
:class:`~game.ui.scenes.base.SceneStack` and share one :class:`~game.ui.scenes.base.Context`. The main loop is
:func:`game.ui.app.run`.
"""
