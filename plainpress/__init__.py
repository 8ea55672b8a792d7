"""plainpress: accessible print and e-book publication pipeline for health content."""

__version__ = "0.1.0"
