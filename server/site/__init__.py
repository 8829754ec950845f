"""The site for people: home, browse lists, search, charts, in French and English."""
