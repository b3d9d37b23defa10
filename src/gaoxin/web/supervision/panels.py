"""The supervision app adds no panel to the enterprise profile: above the zone, firms are aggregates."""
