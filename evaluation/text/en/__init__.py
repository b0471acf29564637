"""The English catalogue: the ``TEXT`` of every module of this package, merged."""

from .._merge import merged

TEXT = merged(__name__, __path__)
