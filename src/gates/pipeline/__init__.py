"""Plan a layer into stages and run them within the layer's budget."""
