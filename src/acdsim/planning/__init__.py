"""Planning at scale: sweeps over a grid of scenario values, run locally or on a cluster."""
