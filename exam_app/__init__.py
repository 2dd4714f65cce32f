"""Lower-limb exam recorder: records the neurological examination of patients with leg weakness."""

__version__ = "0.1.0"
