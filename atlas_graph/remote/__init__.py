"""Remote SPARQL 1.1 stores: the protocol client, engine quirks, and publishing a store to one."""
