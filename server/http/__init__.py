"""HTTP plumbing every route shares: errors, content negotiation, negotiated RDF responses, CORS."""
