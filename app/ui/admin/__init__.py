"""The administration workspace: users and roles, station settings, trust material, sync."""
