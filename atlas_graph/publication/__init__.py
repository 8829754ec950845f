"""What the dataset says about itself: VoID, the DCAT-AP catalog and the facts they share."""
