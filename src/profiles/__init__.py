"""A person's profile: who they are, the communities the viewer shares with them and
what they wrote lately that the viewer may read."""
