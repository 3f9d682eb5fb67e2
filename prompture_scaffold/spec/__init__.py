"""The driver spec: its fields, each declared once, and how answers become one spec."""
