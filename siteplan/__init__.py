"""Site plans: the venue's own drawing (zones, gates and exits, the three rings, posts), the figures computed
from it and the deployment derived from it. `siteplan.geometry` is pure (shapely, no Django)."""
