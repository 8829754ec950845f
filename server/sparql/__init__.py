"""``/sparql``: the SPARQL 1.1 Protocol endpoint, from the request to the killed-on-time query process."""
