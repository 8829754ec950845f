"""The atlas-graph SHACL shapes (Turtle), shipped as package data."""
