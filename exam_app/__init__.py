"""Lower-limb exam recorder: records the neurological examination of patients with leg weakness."""

__version__ = "0.1.0"

APP_NAME = "Lower-limb exam recorder"  # the windows' titles and the messages' boxes
