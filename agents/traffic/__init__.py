"""Many cars on one track: the race in traffic that teaches drivers to race, not only to lap.

* :mod:`agents.traffic.field`: the field, N cars stepped together by one kernel (physics with contact, the
  observation of every car, the reward), with a scenario per episode and respawn after a crash.
* :mod:`agents.traffic.scenarios`: where the cars start: a pack on the grid, a slower car ahead, a faster car
  behind, solo laps.
* :mod:`agents.traffic.opponents`: the cars that do not learn: earlier drivers held to a pace.
* :mod:`agents.traffic.vec_env`: the field as Stable-Baselines3 vector env, each learning car one slot, so that
  one shared SAC policy trains on every car.
* :mod:`agents.traffic.parallel_env`: the field as a PettingZoo ``ParallelEnv`` (every car an agent).
"""
